"""The standard rules in /rules: a card each, switched with a button, a new value picked on a
button or typed (a mistyped one asked again), stale and forged presses, managers refused."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import EditMessageText
from sqlalchemy import select

from bot.sweeps.reminders import not_taken
from services.db.rules import StandardRule
from tests.support.calls import answer_of, buttons, without_answers
from tests.support.deals import ANNA, CARD, OLGA, make_manager, new_deal, person
from tests.support.harness import Harness

LIST = 961
BOB = person(300, "Bob")
ESCALATION_TEXT = (
    "When nobody takes or answers a request within 15 minutes of working time, it goes to the "
    "next manager on duty; still waiting after twice that, to the owners. Each step is in the "
    "request's history and everyone concerned is told."
)
CALLBACK_CARD = [
    "<b>📞 Call-back after a missed call</b>",
    "When a customer's call is missed, their manager gets a call-back task, due 2 hours after "
    "the call. More missed calls before it add to the same task.",
    "",
    "✅ Switched on",
    "Never fired",
]


async def rows(tg: Harness) -> list[tuple[str, bool, list[int] | None, int]]:
    async with tg.app.sessions() as session:
        found = await session.scalars(select(StandardRule).order_by(StandardRule.key))
        return [(r.key, r.enabled, r.value, r.version) for r in found]


async def test_the_call_back_delay_picked_typed_and_switched(tg: Harness) -> None:
    await tg.send(OLGA, "/start")
    [card] = without_answers(await tg.press(OLGA, "sr:o:1:0:0", LIST))
    assert card.text.splitlines() == CALLBACK_CARD
    assert buttons(card) == [
        [("⏸ Switch off", "sr:s:1:0:0")],
        [("✏️ Change: 2 hours", "sr:c:1:0:0")],
        [("⬅ Back", "ru:l:0:0:0")],
    ]
    [ask] = without_answers(await tg.press(OLGA, "sr:c:1:0:0", LIST))
    assert ask.text.splitlines()[1] == (
        "Choose how long after a missed call the call-back is due, or type it in minutes "
        "(5 to 4320) (/cancel)."
    )
    assert buttons(ask) == [
        [("30 minutes", "sr:p:1:0:0"), ("1 hour", "sr:p:1:0:1")],
        [("2 hours", "sr:p:1:0:2"), ("4 hours", "sr:p:1:0:3")],
        [("1 day", "sr:p:1:0:4")],
        [("⬅ Back", "sr:o:1:0:0")],
    ]
    for typed in ("soon", "4", "4321"):
        [again] = await tg.send(OLGA, typed)
        assert again.text == "Send a whole number in the range asked, or /cancel."
    assert await rows(tg) == []
    [saved] = await tg.send(OLGA, "90")
    assert saved.text.splitlines()[:4] == [
        "Saved.",
        "",
        CALLBACK_CARD[0],
        CALLBACK_CARD[1].replace("2 hours", "90 minutes"),
    ]
    assert await rows(tg) == [("callback", True, [90], 1)]
    # The step is over: a number typed now is not taken as a delay.
    await tg.send(OLGA, "45")
    assert await rows(tg) == [("callback", True, [90], 1)]
    calls = await tg.press(OLGA, "sr:p:1:1:1", LIST)
    assert answer_of(calls).text == "Saved."
    assert await rows(tg) == [("callback", True, [60], 2)]
    calls = await tg.press(OLGA, "sr:s:1:2:0", LIST)
    assert answer_of(calls).text == "Switched off."
    [off] = without_answers(calls)
    assert off.text.splitlines()[-2:] == ["⏸ Switched off", "Never fired"]
    assert buttons(off)[0] == [("▶️ Switch on", "sr:s:1:3:0")]
    # The old card's button again: redrawn as it is now, nothing switched.
    calls = await tg.press(OLGA, "sr:s:1:2:0", LIST)
    assert answer_of(calls).text == (
        "The rule had changed meanwhile, so nothing was done. Here it is now."
    )
    assert await rows(tg) == [("callback", False, [60], 3)]
    [listed] = await tg.send(OLGA, "/rules")
    assert "⏸ 📞 A missed call → a call-back task in 1 hour" in listed.text.splitlines()


async def test_renewal_days_typed_and_stage_notices_have_no_value(tg: Harness) -> None:
    await tg.send(OLGA, "/start")
    await tg.press(OLGA, "sr:c:2:0:0", LIST)
    [bad] = await tg.send(OLGA, "30, 14, 7, 3, 2, 1")
    assert bad.text == (
        "Send up to 5 whole numbers of days from 1 to 365, like 30, 7, 1; or /cancel."
    )
    [saved] = await tg.send(OLGA, "1 14, 3")
    assert saved.text.splitlines()[3] == (
        "A contract's manager (the owners, when nobody has it) is reminded at 10:00, "
        "14 days, 3 days, and 1 day before the contract ends."
    )
    assert await rows(tg) == [("renewals", True, [14, 3, 1], 1)]
    [notices] = without_answers(await tg.press(OLGA, "sr:o:3:0:0", LIST))
    assert notices.text.splitlines()[1] == (
        "When a deal enters a stage marked 🔔 in /pipeline, its customer is told, in their "
        "language. Marked now: «Contacted», «Invoice sent», «Won»."
    )
    assert [row[0][1] for row in buttons(notices)] == ["sr:s:3:0:0", "ru:l:0:0:0"]
    calls = await tg.press(OLGA, "sr:c:3:0:0", LIST)
    assert answer_of(calls).text == "I couldn't read that."


async def test_managers_and_forged_presses_are_refused(tg: Harness) -> None:
    await tg.send(OLGA, "/start")
    await make_manager(tg)
    for data in ("sr:o:1:0:0", "sr:s:1:0:0", "sr:p:1:0:1"):
        calls = await tg.press(ANNA, data, LIST)
        assert answer_of(calls).text == "Sorry, you can't do that."
        assert without_answers(calls) == []
    calls = await tg.press(OLGA, "sr:o:9:0:0", LIST)
    assert answer_of(calls).text == "Not found: it may have been removed."
    calls = await tg.press(OLGA, "sr:p:1:0:7", LIST)
    assert answer_of(calls).text == "I couldn't read that."
    assert await rows(tg) == []


async def test_a_request_nobody_takes_moves_on_and_says_so_in_its_history(tg: Harness) -> None:
    await new_deal(tg)
    await tg.send(OLGA, "/start")
    await make_manager(tg, BOB.id, "Bob")
    await tg.deliver()
    tg.clock.advance(timedelta(minutes=15))
    assert await not_taken(tg.app) == 1
    sent = await tg.deliver()
    assert [(call.chat_id, call.text.splitlines()[0]) for call in sent] == [
        (BOB.id, "<b>Request #1</b>"),
        (ANNA.id, "<b>Request #1</b>"),
        (ANNA.id, "Request #1 was handed over to Bob."),
    ]
    # Anna's card is redrawn in place, with no buttons: the request is Bob's now.
    assert isinstance(sent[1], EditMessageText) and sent[1].reply_markup is None
    assert "👔 Bob, not taken yet" in sent[1].text.splitlines()
    [escalation] = without_answers(await tg.press(OLGA, "sr:o:0:0:0", LIST))
    assert escalation.text.splitlines()[1:] == [
        ESCALATION_TEXT,
        "",
        "✅ Switched on",
        "Fired 1 time, last Mar 2, 2026, 13:15",
    ]
    [history] = without_answers(await tg.press(OLGA, "dk:h:1:2:0", message_id=CARD))
    assert history.text.splitlines()[-2:] == [
        "Mar 2, 2026, 13:15 · by rule «⏱ Requests not taken in time»: not taken within 15 "
        "minutes of working time",
        "Mar 2, 2026, 13:15 · handed over from Anna to Bob",
    ]
