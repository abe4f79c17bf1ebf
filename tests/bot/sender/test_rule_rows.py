"""What rules send: the owner's text in each reader's language with the deal's values filled in
at send time, and the owners' notice that a rule switched itself off."""

from __future__ import annotations

from typing import Any

from aiogram.types import ReplyKeyboardRemove
from sqlalchemy import event, select

from services.access import actor_of
from services.db.deals import Stage
from services.db.users import User
from services.rules import manage
from tests.support.calls import sent_to
from tests.support.deals import ANNA, LEYLA, OLGA, make_manager
from tests.support.harness import Harness


async def owner_makes(tg: Harness, data: dict[str, Any]) -> int:
    async with tg.app.sessions() as session:
        owner = await session.scalar(select(User).where(User.tg_id == OLGA.id))
        assert owner is not None
        made = await manage.create(session, actor_of(owner, "en"), data, tg.clock.now())
    return made.rule_id


async def test_a_rules_message_reaches_each_reader_in_their_language(tg: Harness) -> None:
    await make_manager(tg)
    await owner_makes(
        tg,
        {
            "name": "Welcome",
            "when": {"event": "created"},
            "then": [
                {
                    "do": "message",
                    "to": "customer",
                    "text": {
                        "en": "Hello {customer}, your request #{number} is in. <3",
                        "ru": "Здравствуйте, {customer}! Заявка №{number}, ответит {manager}.",
                    },
                },
                {"do": "message", "to": "owners", "text": {"en": "New: {customer} {amount}"}},
            ],
        },
    )
    await tg.send(LEYLA, "Need 20 chairs")
    calls = await tg.deliver()
    # The rule's words and the confirmation waited together: one message, in her language.
    [to_leyla] = sent_to(calls, LEYLA.id)
    assert to_leyla.text == (
        "Здравствуйте, Leyla! Заявка №1, ответит Anna.\n\n"
        "Заявка №1 принята — с вами свяжется Anna."
    )
    assert isinstance(to_leyla.reply_markup, ReplyKeyboardRemove)
    [to_olga] = sent_to(calls, OLGA.id)
    assert to_olga.text == "🤖 <b>#1</b>\nNew: Leyla —"
    assert sent_to(calls, ANNA.id)  # the manager still gets the card


async def test_owners_are_told_when_a_rule_switches_itself_off(tg: Harness) -> None:
    await make_manager(tg)
    async with tg.app.sessions() as session:
        proposal = await session.scalar(select(Stage).where(Stage.position == 3))
        assert proposal is not None
        stage_id = proposal.id
    await owner_makes(
        tg,
        {
            "name": "To proposal",
            "when": {"event": "created"},
            "then": [{"do": "move", "stage": stage_id}],
        },
    )
    async with tg.app.sessions() as session:
        stage = await session.get_one(Stage, stage_id)
        stage.deleted_at = tg.clock.now()
        await session.commit()
    await tg.send(LEYLA, "Need 20 chairs")
    [notice] = sent_to(await tg.deliver(), OLGA.id)
    assert notice.text == (
        "⏸ The rule «To proposal» was switched off: a stage it names was deleted. "
        "Open /rules to fix it."
    )


async def test_a_text_without_placeholders_is_sent_without_reading_the_deal(
    tg: Harness,
) -> None:
    await make_manager(tg)
    await owner_makes(
        tg,
        {
            "name": "Thanks",
            "when": {"event": "created"},
            "then": [{"do": "message", "to": "customer", "text": {"en": "Thank you!"}}],
        },
    )
    await tg.send(LEYLA, "Need 20 chairs")
    read: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        read.append(statement)

    event.listen(tg.app.engine.sync_engine, "before_cursor_execute", seen)
    try:
        calls = await tg.deliver()
    finally:
        event.remove(tg.app.engine.sync_engine, "before_cursor_execute", seen)
    [to_leyla] = sent_to(calls, LEYLA.id)
    assert to_leyla.text == "Thank you!\n\nЗаявка №1 принята — с вами свяжется Anna."
    # The manager's card reads the deal; the thanks and the confirmation do not.
    assert sum("FROM deals" in statement for statement in read) == 1
