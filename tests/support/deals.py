"""People and deals fed through the dispatcher harness: Olga the owner, Leyla a customer, Anna
and Bako managers; a customer's request reaches Anna, a manager on duty, as a card."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from services.db.deals import Deal
from services.db.users import User
from tests.support.calls import sent_to
from tests.support.harness import OWNER_ID, Harness, person

OLGA = person(OWNER_ID, "Olga")
LEYLA = person(100, "Leyla", "ru")
ANNA = person(200, "Anna")
BAKO = person(201, "Bako")
CARD = 900  # the message id the card has in the manager's chat
STALE = "This card was out of date, so nothing was changed. Here is the request as it is now."


async def make_manager(tg: Harness, user_tg_id: int = ANNA.id, name: str = "Anna") -> None:
    async with tg.app.sessions() as session:
        session.add(
            User(tg_id=user_tg_id, role="manager", first_name=name, created_at=tg.app.clock.now())
        )
        await session.commit()


async def new_deal(tg: Harness, customer: Any = LEYLA, text: str = "Need 20 chairs") -> Any:
    """Anna, a manager on duty, gets the customer's request as a card."""
    async with tg.app.sessions() as session:
        known = await session.scalar(select(User.id).where(User.tg_id == ANNA.id))
    if known is None:
        await make_manager(tg, ANNA.id, "Anna")
    await tg.send(customer, text)
    [card] = sent_to(await tg.deliver(), ANNA.id)
    return card


async def deal(tg: Harness, deal_id: int = 1) -> Deal:
    async with tg.app.sessions() as session:
        return await session.get_one(Deal, deal_id)
