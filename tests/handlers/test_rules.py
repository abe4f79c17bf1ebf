"""/rules: the owner's list, a rule's card, switching, deleting, trying on the past, and a rule
made from a template; managers are refused; rules' changes in a deal's history."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiogram.methods import EditMessageText
from sqlalchemy import select

from services import events
from services.access import actor_of
from services.db.rules import Rule
from services.db.users import User
from services.rules import manage
from tests.support.calls import answer_of, buttons, without_answers
from tests.support.deals import ANNA, CARD, OLGA, make_manager, new_deal
from tests.support.harness import Harness

LIST = 960
NAME = "Not taken in time → the owners"
SUGGESTED = "Request #{number} from {customer} was not taken in time; it is with you now."
RULE_TEXT = [
    f"<b>{NAME}</b>",
    "When: nobody answers a request within 15 minutes of working time",
    "Then:",
    "1. give the deal to the owners",
    f"2. send the owners: «{SUGGESTED}»",
]
PHONE_TAG = {
    "name": "Phone leads",
    "when": {"event": "created", "sources": ["phone"]},
    "then": [{"do": "tag", "tag": "phone"}],
}


async def saved(tg: Harness, data: dict[str, Any]) -> int:
    async with tg.app.sessions() as session:
        owner = await session.scalar(select(User).where(User.tg_id == OLGA.id))
        assert owner is not None
        rule = await manage.create(session, actor_of(owner, "en"), data, tg.clock.now())
    return rule.rule_id


# What every list starts with: who gets a request and the standard rules, as a new business has
# them.
HEAD = [
    "<b>Rules</b>",
    "👥 Who gets a request: in turn (change it in /assignment)",
    "",
    "<b>Standard rules</b>",
    "✅ ⏱ Not taken in 15 minutes → the next manager, then the owners",
    "✅ 📞 A missed call → a call-back task in 2 hours",
    "✅ 📄 A contract's end → reminders 30 days, 7 days, and 1 day before",
    "✅ 🔔 A deal enters a 🔔 stage → the customer told",
    "✅ ⏰ A task overdue by 1 day → the owners told",
    "✅ ⭐ A deal closes (won) → the customer asked to rate it",
    "",
    "<b>Your rules</b>",
]
STANDARD_BUTTONS = [
    [("✅ ⏱ Requests not taken in time", "sr:o:0:0:0")],
    [("✅ 📞 Call-back after a missed call", "sr:o:1:0:0")],
    [("✅ 📄 Contract renewal reminders", "sr:o:2:0:0")],
    [("✅ 🔔 Stage notices to customers", "sr:o:3:0:0")],
    [("✅ ⏰ Overdue tasks to the owners", "sr:o:4:0:0")],
    [("✅ ⭐ Feedback from customers", "sr:o:5:0:0")],
]


async def rules(tg: Harness) -> list[Rule]:
    async with tg.app.sessions() as session:
        return list(await session.scalars(select(Rule).order_by(Rule.id)))


async def test_a_rule_made_from_a_template_with_a_bad_answer_on_the_way(tg: Harness) -> None:
    [empty] = await tg.send(OLGA, "/rules")
    assert empty.text.splitlines() == [
        *HEAD,
        "No rules yet. Make one from a ready template or from scratch.",
    ]
    assert buttons(empty) == [
        *STANDARD_BUTTONS,
        [("➕ From a template", "ru:tp:0:0:0"), ("✏️ From scratch", "ru:b:0:0:0")],
    ]
    [templates] = without_answers(await tg.press(OLGA, "ru:tp:0:0:0", LIST))
    assert buttons(templates)[2] == [(NAME, "ru:tu:0:0:2")]
    assert len(buttons(templates)) == 11
    [first] = without_answers(await tg.press(OLGA, "ru:tu:0:0:2", LIST))
    assert isinstance(first, EditMessageText) and first.message_id == LIST
    assert first.text.splitlines() == [
        f"<b>{NAME}</b>",
        "Question 1 of 2",
        "",
        "How many working minutes may a request wait before it goes to the owners?",
        "Send a whole number from 1 to 1440.",
        "/cancel to stop.",
    ]
    assert buttons(first) == [[("✖ Cancel", "rq:c:0:0")]]
    [bad] = await tg.send(OLGA, "fifteen")
    assert bad.text == "That isn't a whole number from 1 to 1440. Send another one, or /cancel."
    [too_many] = await tg.send(OLGA, "1441")
    assert too_many.text == bad.text
    [second] = await tg.send(OLGA, "15")
    assert second.text.splitlines()[1:4] == [
        "Question 2 of 2",
        "",
        "What should the owners be told?",
    ]
    assert f"Suggested: «{SUGGESTED}»" in second.text.splitlines()
    assert buttons(second) == [[("Use the suggested one", "rq:g:1:0")], [("✖ Cancel", "rq:c:0:0")]]
    [unknown] = await tg.send(OLGA, "Hi {nobody}")
    assert unknown.text == (
        "The text names something I don't know: {nobody}. Fix it and send it again, or /cancel."
    )
    # A press on the first question, answered already, changes nothing.
    calls = await tg.press(OLGA, "rq:g:0:0", LIST)
    assert without_answers(calls) == []
    assert answer_of(calls).text.startswith("That can't be done now")
    [confirm] = without_answers(await tg.press(OLGA, "rq:g:1:0", LIST))
    assert confirm.text.splitlines() == [
        *RULE_TEXT,
        "",
        "Save this rule? It is switched on at once.",
    ]
    [tried] = without_answers(await tg.press(OLGA, "rq:t:0:0", LIST))
    assert tried.text.splitlines() == [
        f"<b>🧪 {NAME}: the last 30 days</b>",
        "Judged by the requests as they are now; nothing was changed.",
        "",
        "It would not have acted on any request.",
    ]
    assert buttons(tried) == [[("⬅ Back", "rq:m:0:0")]]
    assert await rules(tg) == []
    [again] = without_answers(await tg.press(OLGA, "rq:m:0:0", LIST))
    assert again.text == confirm.text
    calls = await tg.press(OLGA, "rq:v:0:0", LIST)
    assert answer_of(calls).text == "Rule saved and switched on."
    [card] = without_answers(calls)
    assert card.text.splitlines() == [*RULE_TEXT, "", "✅ Switched on", "Never fired"]
    [rule] = await rules(tg)
    assert (rule.name, rule.template, rule.enabled) == (NAME, "not_taken_owners", True)
    assert rule.trigger == {"event": "no_response", "minutes": 15}
    assert rule.actions == [
        {"do": "assign", "to": "owners"},
        {
            "do": "message",
            "to": "owners",
            "text": {
                "en": SUGGESTED,
                "az": "Müraciət #{number} ({customer}) vaxtında götürülmədi; indi sizdədir.",
                "ru": "Заявку #{number} ({customer}) не взяли вовремя; теперь она у вас.",
            },
        },
    ]
    calls = await tg.press(OLGA, "rq:v:0:0", LIST)
    assert answer_of(calls).text.startswith("I no longer know what that answer was for")
    assert len(await rules(tg)) == 1


async def test_an_amount_is_read_in_the_owners_language(tg: Harness) -> None:
    await tg.send(OLGA, "/rules")
    await tg.press(OLGA, "ru:tu:0:0:0", LIST)
    [bad] = await tg.send(OLGA, "five thousand")
    assert bad.text.startswith("That doesn't look like an amount.")
    [confirm] = await tg.send(OLGA, "5,000")
    assert confirm.text.splitlines()[1:4] == [
        "When: the amount reaches AZN5,000.00",
        "Then:",
        "1. give the deal to a manager: by level",
    ]
    await tg.press(OLGA, "rq:v:0:0", LIST)
    [rule] = await rules(tg)
    assert rule.trigger == {"event": "crossed", "field": "amount", "value": "5000.00"}


async def test_list_open_switch_stale_press_and_delete(tg: Harness) -> None:
    rule_id = await saved(tg, PHONE_TAG)
    [listed] = await tg.send(OLGA, "/rules")
    assert listed.text.splitlines() == [
        *HEAD,
        "✅ Phone leads · never fired",
        "",
        "✅ on · ⏸ off. Tap a rule to see it, switch it or try it on the past.",
    ]
    assert buttons(listed)[len(STANDARD_BUTTONS)] == [("✅ Phone leads", f"ru:o:{rule_id}:1:0")]
    [card] = without_answers(await tg.press(OLGA, f"ru:o:{rule_id}:1:0", LIST))
    assert card.text.splitlines() == [
        "<b>Phone leads</b>",
        "When: a request comes from phone call",
        "Then:",
        "1. add the tag #phone",
        "",
        "✅ Switched on",
        "Never fired",
    ]
    assert buttons(card) == [
        [("⏸ Switch off", f"ru:s:{rule_id}:1:0")],
        [("🧪 Try on the past", f"ru:t:{rule_id}:1:0")],
        [("🗑 Delete", f"ru:d:{rule_id}:1:0")],
        [("⬅ Back", "ru:l:0:0:0")],
    ]
    calls = await tg.press(OLGA, f"ru:s:{rule_id}:1:0", LIST)
    assert answer_of(calls).text == "Switched off."
    [off] = without_answers(calls)
    assert off.text.splitlines()[-2:] == ["⏸ Switched off", "Never fired"]
    assert buttons(off)[0] == [("▶️ Switch on", f"ru:s:{rule_id}:2:0")]
    # The same button pressed again on the old card: redrawn, nothing switched.
    calls = await tg.press(OLGA, f"ru:s:{rule_id}:1:0", LIST)
    assert answer_of(calls).text == (
        "The rule had changed meanwhile, so nothing was done. Here it is now."
    )
    [redrawn] = without_answers(calls)
    assert redrawn.text == off.text
    assert [r.enabled for r in await rules(tg)] == [False]
    [ask] = without_answers(await tg.press(OLGA, f"ru:d:{rule_id}:2:0", LIST))
    assert ask.text == (
        "Delete the rule «Phone leads»? What it has already done stays in the requests' history."
    )
    assert buttons(ask) == [
        [("🗑 Yes, delete it", f"ru:x:{rule_id}:2:0")],
        [("⬅ No, keep it", f"ru:o:{rule_id}:2:0")],
    ]
    assert [r.deleted_at for r in await rules(tg)] == [None]
    calls = await tg.press(OLGA, f"ru:x:{rule_id}:2:0", LIST)
    assert answer_of(calls).text == "Rule «Phone leads» deleted."
    [gone] = without_answers(calls)
    assert gone.text.splitlines()[len(HEAD)] == (
        "No rules yet. Make one from a ready template or from scratch."
    )
    assert [r.deleted_at is not None for r in await rules(tg)] == [True]


async def test_a_rule_tried_on_the_past_shows_the_requests(tg: Harness) -> None:
    rule_id = await saved(
        tg,
        {
            "name": "Telegram",
            "when": {"event": "created", "sources": ["telegram"]},
            "then": [{"do": "tag", "tag": "tg"}],
        },
    )
    await new_deal(tg)
    tg.clock.advance(timedelta(days=1))
    [tried] = without_answers(await tg.press(OLGA, f"ru:t:{rule_id}:1:0", LIST))
    assert tried.text.splitlines() == [
        "<b>🧪 Telegram: the last 30 days</b>",
        "Judged by the requests as they are now; nothing was changed.",
        "",
        "It would have acted 1 time, on 1 request.",
        "Each time it would:",
        "1. add the tag #tg",
        "",
        "#1 · Mar 2, 2026, 13:00",
    ]
    assert buttons(tried) == [[("⬅ Back", f"ru:o:{rule_id}:1:0")]]


async def test_managers_are_refused_and_forged_presses_change_nothing(tg: Harness) -> None:
    rule_id = await saved(tg, PHONE_TAG)
    await make_manager(tg)
    [refused] = await tg.send(ANNA, "/rules")
    assert refused.text == "Sorry, you can't do that."
    for who, data, said in (
        (ANNA, f"ru:s:{rule_id}:1:0", "Sorry, you can't do that."),
        (ANNA, f"ru:x:{rule_id}:1:0", "Sorry, you can't do that."),
        (ANNA, "ru:tu:0:0:1", "Sorry, you can't do that."),
        (OLGA, "ru:tu:0:0:99", "I couldn't read that."),
        (OLGA, "ru:o:77:1:0", "Not found: it may have been removed."),
        (OLGA, "rq:p:0:1", "I no longer know what that answer was for"),
    ):
        calls = await tg.press(who, data, LIST)
        assert without_answers(calls) == [], data
        assert answer_of(calls).text.startswith(said), data
    [rule] = await rules(tg)
    assert (rule.enabled, rule.deleted_at, rule.version) == (True, None, 1)


async def test_the_history_names_the_rule_that_acted(tg: Harness) -> None:
    await new_deal(tg)
    rule_id = await saved(tg, PHONE_TAG)
    async with tg.app.sessions() as session:
        anna = await session.scalar(select(User.id).where(User.tg_id == ANNA.id))
        now = tg.clock.now()
        for kind, old, new in (
            ("tagged", None, "vip"),
            ("untagged", None, "new"),
            ("rule_message", None, "customer"),
            ("rule_message", None, str(anna)),
            ("rule_task", anna, (now + timedelta(hours=2)).isoformat()),
            ("webhook", None, "https://example.com/hook"),
        ):
            events.record(session, 1, None, kind, now, old, new, rule_id)
        await session.commit()
    await tg.press(OLGA, f"ru:x:{rule_id}:1:0", LIST)
    [history] = without_answers(await tg.press(ANNA, "dk:h:1:1:0", CARD))
    by_rule = "Mar 2, 2026, 13:00 · by rule «Phone leads»: "
    lines = history.text.splitlines()
    assert [line for line in lines if line.startswith(by_rule)] == [
        by_rule + "tag #vip added",
        by_rule + "tag #new removed",
        by_rule + "message sent to the customer",
        by_rule + "message sent to Anna",
        by_rule + "task for Anna, due Mar 2, 2026, 15:00",
        by_rule + "request posted to https://example.com/hook",
    ]
    assert "Mar 2, 2026, 13:00 · Anna: took the request" not in lines
