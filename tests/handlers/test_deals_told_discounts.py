"""Nobody is surprised by a discount: one an owner or a rule gives is told to the deal's
manager as the new amount, and their card is redrawn."""

from __future__ import annotations

from aiogram.methods import EditMessageText
from sqlalchemy import select

from services.db.users import User
from tests.handlers.test_deals_told import cards_of
from tests.support.calls import sent_to
from tests.support.deals import ANNA, CARD, OLGA
from tests.support.harness import Harness
from tests.support.items import ten_glue
from tests.support.rules import rule
from tests.support.seed import actor


async def test_the_owners_discount_tells_the_manager_of_the_new_amount(tg: Harness) -> None:
    await ten_glue(tg)
    await tg.send(OLGA, "/start")
    await tg.press(OLGA, "it:d:1:2:0:0", message_id=777)
    await tg.send(OLGA, "10%")
    [(card_id, _kind)] = await cards_of(tg, ANNA.id)
    redrawn, told = sent_to(await tg.deliver(), ANNA.id)
    assert isinstance(redrawn, EditMessageText) and redrawn.message_id == card_id
    assert "💰 AZN63.00" in redrawn.text.splitlines()
    assert told.text == "Olga changed the amount of request #1: AZN70.00 → AZN63.00."


async def test_a_rules_discount_tells_the_manager_of_the_new_amount(tg: Harness) -> None:
    await ten_glue(tg)
    async with tg.app.sessions() as session:
        olga = (await session.scalars(select(User).where(User.tg_id == OLGA.id))).one()
        await rule(
            session,
            actor(olga),
            tg.clock,
            name="<Loyal>",
            when={"event": "stage_entered", "stage": 2},
            then=[{"do": "discount", "percent": "10"}],
        )
    await tg.press(ANNA, "dk:n:1:2:0", message_id=CARD)
    redrawn, told = sent_to(await tg.deliver(), ANNA.id)
    assert isinstance(redrawn, EditMessageText) and "💰 AZN63.00" in redrawn.text.splitlines()
    assert told.text == (
        "Rule «&lt;Loyal&gt;» changed the amount of request #1: AZN70.00 → AZN63.00."
    )
