"""What rules send: the owner's text in each reader's language with the deal's values filled in
at send time, and the owners' notice that a rule switched itself off."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

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
    to_leyla = [call.text for call in sent_to(calls, LEYLA.id)]
    assert "Здравствуйте, Leyla! Заявка №1, ответит Anna." in to_leyla
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
