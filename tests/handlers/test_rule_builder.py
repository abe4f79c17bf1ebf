"""/newrule and ✏️ From scratch: the owner builds a rule with buttons and typed values, sees it
in words and saves it; bad answers are asked again, stale and forged buttons refused."""

from __future__ import annotations

from typing import Any

from aiogram.methods import EditMessageText, SendMessage
from sqlalchemy import select

from services import fields
from services.access import actor_of
from services.db.rules import Rule
from services.db.users import User
from tests.support.calls import answer_of, buttons, without_answers
from tests.support.deals import ANNA, OLGA, make_manager
from tests.support.harness import OWNER_ID, Harness, person

OLGA_RU = person(OWNER_ID, "Olga", language="ru")
OLGA_AZ = person(OWNER_ID, "Olga", language="az")
CANCEL = ("✖ Cancel", "rb:no:0")


async def rules(tg: Harness) -> list[Rule]:
    async with tg.app.sessions() as session:
        return list(await session.scalars(select(Rule).order_by(Rule.id)))


async def shown(calls: list[Any]) -> Any:
    """The one message a step answers with (an edit for a press, a new one for words)."""
    [call] = without_answers(calls)
    assert isinstance(call, (EditMessageText, SendMessage))
    return call


async def test_owner_builds_a_rule_in_russian_with_a_typed_amount(tg: Harness) -> None:
    [first] = await tg.send(OLGA_RU, "/newrule")
    assert buttons(first)[4] == [("📈 Число достигает значения", "rb:t:4")]
    await tg.press(OLGA_RU, "rb:t:4")
    await tg.press(OLGA_RU, "rb:f:0")
    conditions = await shown(await tg.send(OLGA_RU, "1 500,50"))
    assert buttons(conditions)[0] == [("➕ Добавить условие", "rb:p:0")]
    await tg.press(OLGA_RU, "rb:p:0")
    await tg.press(OLGA_RU, "rb:c:0")  # the source
    await tg.press(OLGA_RU, "rb:q:0")  # is
    await tg.press(OLGA_RU, "rb:v:1")  # the website
    await tg.press(OLGA_RU, "rb:n:0")
    for action, whom, typed in (("rb:x:5", None, "#VIP"), ("rb:x:3", "rb:w:1", None)):
        await tg.press(OLGA_RU, "rb:p:0")
        await tg.press(OLGA_RU, action)
        if whom:
            await tg.press(OLGA_RU, whom)
        await tg.send(OLGA_RU, typed or "Клиент {customer}: {amount}")
    await tg.press(OLGA_RU, "rb:n:0")
    review = await shown(await tg.send(OLGA_RU, "Крупные заказы"))
    assert buttons(review) == [
        [("✅ Сохранить", "rb:ok:0")],
        [("✏️ Начать заново", "rb:re:0"), ("✖ Отмена", "rb:no:0")],
    ]
    assert await rules(tg) == []
    done = await shown(await tg.press(OLGA_RU, "rb:ok:0"))
    assert done.text.startswith("✅ Правило сохранено и включено.")
    [rule] = await rules(tg)
    assert (rule.name, rule.enabled, rule.trigger_kind, rule.template) == (
        "Крупные заказы",
        True,
        "crossed",
        None,
    )
    assert rule.trigger == {"event": "crossed", "field": "amount", "value": "1500.50"}
    assert rule.conditions == [{"fact": "source", "op": "eq", "value": "web"}]
    assert rule.actions == [
        {"do": "tag", "tag": "vip", "remove": False},
        {"do": "message", "to": "manager", "text": {"ru": "Клиент {customer}: {amount}"}},
    ]


async def test_numbers_and_spans_are_read_in_azerbaijani(tg: Harness) -> None:
    await tg.send(OLGA_AZ, "/newrule")
    await tg.press(OLGA_AZ, "rb:t:0")  # a request is created
    await tg.press(OLGA_AZ, "rb:s:2")  # by phone
    await tg.press(OLGA_AZ, "rb:s:1")  # or from the website
    await tg.press(OLGA_AZ, "rb:n:0")
    await tg.press(OLGA_AZ, "rb:p:0")
    await tg.press(OLGA_AZ, "rb:c:2")  # the amount
    await tg.press(OLGA_AZ, "rb:q:3")  # at least
    await tg.send(OLGA_AZ, "1 500,50")
    await tg.press(OLGA_AZ, "rb:n:0")
    await tg.press(OLGA_AZ, "rb:p:0")
    await tg.press(OLGA_AZ, "rb:x:2")  # a task
    await tg.press(OLGA_AZ, "rb:w:1")  # for the owners
    await tg.send(OLGA_AZ, "2 saat")
    await tg.press(OLGA_AZ, "rb:k:0")  # in calendar time
    await tg.send(OLGA_AZ, "Zəng edin")
    await tg.press(OLGA_AZ, "rb:n:0")
    await tg.send(OLGA_AZ, "Böyük sifariş")
    await tg.press(OLGA_AZ, "rb:ok:0")
    [rule] = await rules(tg)
    assert rule.trigger == {"event": "created", "sources": ["web", "phone"]}
    assert rule.conditions == [{"fact": "amount", "op": "ge", "value": "1500.50"}]
    assert rule.actions == [
        {"do": "task", "to": "owners", "after_minutes": 120, "working": False, "note": "Zəng edin"}
    ]


async def test_a_bad_answer_is_asked_again_and_nothing_typed_is_lost(tg: Harness) -> None:
    await tg.send(OLGA, "/newrule")
    [asked] = without_answers(await tg.press(OLGA, "rb:t:8"))  # a deal stays idle
    assert asked.text.splitlines()[-1] == (
        "After how many days without changes? Send a number like 3."
    )
    again = await shown(await tg.send(OLGA, "three"))
    assert again.text.splitlines() == [
        "I couldn't read that.",
        "",
        "<b>New rule</b>",
        "",
        "After how many days without changes? Send a number like 3.",
    ]
    await tg.send(OLGA, "3 days")
    await tg.press(OLGA, "rb:p:0")
    await tg.press(OLGA, "rb:c:2")  # the amount
    await tg.press(OLGA, "rb:q:4")  # less than
    bad = await shown(await tg.send(OLGA, "lots"))
    assert bad.text.splitlines() == [
        "That doesn't look like an amount. Send a number like 1500 or 1,500.50; "
        "nothing was changed.",
        "",
        "<b>New rule</b>",
        "When: nothing happens to an open deal for 3 days",
        "",
        "Send the number, like 1,500.50.",
    ]
    await tg.send(OLGA, "5,000")
    await tg.press(OLGA, "rb:p:0")
    await tg.press(OLGA, "rb:c:5")  # working hours
    listed = await shown(await tg.press(OLGA, "rb:v:0"))  # outside them
    assert listed.text.splitlines()[3:5] == [
        "1. the amount is less than AZN5,000.00",
        "2. outside working hours",
    ]
    assert buttons(listed)[1] == [("✖ 1", "rb:m:0"), ("✖ 2", "rb:m:1")]
    await tg.press(OLGA, "rb:m:0")
    await tg.press(OLGA, "rb:n:0")
    await tg.press(OLGA, "rb:p:0")
    await tg.press(OLGA, "rb:x:7")  # a webhook
    private = await shown(await tg.send(OLGA, "http://127.0.0.1:8080/hook"))
    assert private.text.splitlines()[0] == (
        "action 1 (url): a private or local address is not allowed"
    )
    assert private.text.splitlines()[-1] == (
        "Send the address to post the deal to, like https://example.com/hook."
    )
    ftp = await shown(await tg.send(OLGA, "ftp://example.com/hook"))
    assert ftp.text.splitlines()[0] == "action 1 (url): must be an http or https address"
    await tg.send(OLGA, "https://example.com/hook")
    await tg.press(OLGA, "rb:n:0")
    long = await shown(await tg.send(OLGA, "x" * 81))
    assert long.text.splitlines()[0] == "name: too long"
    review = await shown(await tg.send(OLGA, "Quiet deals"))
    assert review.text.splitlines() == [
        "<b>Quiet deals</b>",
        "When: nothing happens to an open deal for 3 days",
        "If all of these hold:",
        "• outside working hours",
        "Then:",
        "1. post the deal to https://example.com/hook",
        "",
        "Save this rule? It starts working at once.",
    ]
    await tg.press(OLGA, "rb:ok:0")
    [rule] = await rules(tg)
    assert rule.trigger == {"event": "idle", "days": 3}
    assert rule.conditions == [{"fact": "working_hours", "op": "eq", "value": False}]
    [webhook] = rule.actions
    assert webhook.keys() == {"do", "url", "secret"}
    assert (webhook["do"], webhook["url"]) == ("webhook", "https://example.com/hook")


async def test_forged_and_stale_buttons_are_refused(tg: Harness) -> None:
    closed = "This rule is no longer being built. Send /newrule to build one."
    calls = await tg.press(OLGA, "rb:t:0")
    assert (without_answers(calls), answer_of(calls).text) == ([], closed)
    await tg.send(OLGA, "/newrule")
    for data, said in (
        ("rb:t:99", "Choose one of the offered values."),
        ("rb:q:0", "That button is from an earlier step. Use the latest message, or /cancel."),
        ("rb:ok:0", "That button is from an earlier step. Use the latest message, or /cancel."),
    ):
        calls = await tg.press(OLGA, data)
        assert (without_answers(calls), answer_of(calls).text) == ([], said), data
    await tg.press(OLGA, "rb:t:1")  # a deal enters a stage
    calls = await tg.press(OLGA, "rb:g:999")
    assert (without_answers(calls), answer_of(calls).text) == (
        [],
        "Choose one of the offered values.",
    )
    stage = await shown(await tg.press(OLGA, "rb:g:2"))
    assert stage.text.splitlines()[1] == "When: a deal enters «Contacted»"
    cancelled = await shown(await tg.press(OLGA, "rb:no:0"))
    assert cancelled.text == "Cancelled. The rule was not saved."
    calls = await tg.press(OLGA, "rb:p:0")
    assert (without_answers(calls), answer_of(calls).text) == ([], closed)
    assert await rules(tg) == []


async def test_only_owners_build_rules(tg: Harness) -> None:
    await make_manager(tg)
    [refused] = await tg.send(ANNA, "/newrule")
    assert refused.text == "Sorry, you can't do that."
    for data in ("rb:t:0", "ru:b:0:0:0"):
        calls = await tg.press(ANNA, data)
        assert without_answers(calls) == []
        assert answer_of(calls).text == "Sorry, you can't do that."
    assert await rules(tg) == []


async def test_from_scratch_in_rules_opens_the_builder_and_cancel_leaves_it(
    tg: Harness,
) -> None:
    opened = await shown(await tg.press(OLGA, "ru:b:0:0:0", message_id=777))
    assert isinstance(opened, EditMessageText) and opened.message_id == 777
    assert opened.text.splitlines()[-1] == "When should the rule act?"
    assert buttons(opened)[-1] == [CANCEL]
    await tg.press(OLGA, "rb:t:6")  # nobody answers in time
    [left] = await tg.send(OLGA, "/cancel")
    assert left.text == "Cancelled. Nothing was sent."
    [after] = await tg.send(OLGA, "15")
    assert "New rule" not in after.text
    [nothing] = await tg.send(OLGA, "/cancel")
    assert nothing.text == "There is nothing to cancel."
    assert await rules(tg) == []


async def test_a_discount_on_a_yes_in_a_field_is_typed_as_a_percent_or_an_amount(
    tg: Harness,
) -> None:
    await tg.send(OLGA, "/newrule")
    async with tg.app.sessions() as session:
        owner = await session.scalar(select(User).where(User.tg_id == OLGA.id))
        assert owner is not None
        wholesale = await fields.add(
            session,
            actor_of(owner, "en"),
            "deal",
            "yes_no",
            {"en": "Wholesale"},
            None,
            tg.clock.now(),
        )
    await tg.press(OLGA, "rb:t:3")  # a field changes
    await tg.press(OLGA, f"rb:f:{wholesale.field_id}")
    await tg.press(OLGA, "rb:p:0")
    await tg.press(OLGA, f"rb:f:{wholesale.field_id}")
    await tg.press(OLGA, "rb:q:0")  # is
    await tg.press(OLGA, "rb:v:1")  # yes
    await tg.press(OLGA, "rb:n:0")
    offered = await shown(await tg.press(OLGA, "rb:p:0"))
    assert offered.text.splitlines()[-1] == "What should the rule do?"
    assert buttons(offered)[-2] == [("🏷 Apply a discount", "rb:x:8")]
    asked = await shown(await tg.press(OLGA, "rb:x:8"))
    question = (
        "Send the discount on the whole request: a percent like 5%, or an amount like 50. "
        "A request without items is left as it is."
    )
    assert asked.text.splitlines()[-1] == question
    for bad in ("lots", "5.555%", "120%", "-50", "1,000,000,000,001"):
        again = await shown(await tg.send(OLGA, bad))
        assert again.text.splitlines()[0] == (
            "Send a discount as a percent like 5%, or as an amount like 50, no more than what "
            "it is taken from; nothing was changed."
        ), bad
        assert again.text.splitlines()[-1] == question
    listed = await shown(await tg.send(OLGA, "5%"))
    assert listed.text.splitlines()[1:6] == [
        "When: «Wholesale» changes",
        "If all of these hold:",
        "1. «Wholesale» is yes",
        "Then:",
        "1. give a discount of 5%",
    ]
    await tg.press(OLGA, "rb:p:0")
    await tg.press(OLGA, "rb:x:8")
    await tg.send(OLGA, "1,250.5")
    await tg.press(OLGA, "rb:n:0")
    review = await shown(await tg.send(OLGA, "Wholesale price"))
    assert review.text.splitlines() == [
        "<b>Wholesale price</b>",
        "When: «Wholesale» changes",
        "If all of these hold:",
        "• «Wholesale» is yes",
        "Then:",
        "1. give a discount of 5%",
        "2. give a discount of AZN1,250.50",
        "",
        "Save this rule? It starts working at once.",
    ]
    await tg.press(OLGA, "rb:ok:0")
    [rule] = await rules(tg)
    assert rule.trigger == {"event": "field_changed", "field": wholesale.key}
    assert rule.conditions == [{"fact": f"field:{wholesale.key}", "op": "eq", "value": True}]
    assert rule.actions == [
        {"do": "discount", "percent": "5"},
        {"do": "discount", "amount": "1250.50"},
    ]
