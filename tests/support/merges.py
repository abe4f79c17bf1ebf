"""Merging customers through the dispatcher: Olga the owner, Leyla typing the number a caller
(request #1) called from, and the state of customers and requests the tests compare."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from services.db.customers import Customer
from services.db.deals import Deal, Event
from services.db.users import User
from tests.support.calls import without_answers
from tests.support.deals import make_manager
from tests.support.harness import Harness, person
from tests.support.seed import deal_for

OLGA = person(1, "Olga")
LEYLA = person(100, "Leyla")
VUSAL = person(101, "Vusal")
ANNA = person(200, "Anna")
NUMBER = "+994501234567"
CARD = 700
MERGE_ROW = [("🔗 Merge", "dk:j:2:1:1")]
REFUSED = "Sorry, you can't do that."
TWO_ACCOUNTS = (
    "Both customers write to the bot from their own Telegram accounts, so they can't be merged."
)


async def a_call_then_leyla_types_its_number(tg: Harness) -> None:
    """Request #1 came from a phone call (a customer known only by the number, with an
    e-mail); Leyla's request #2 gives the same number, typed."""
    await make_manager(tg)
    async with tg.app.sessions() as session:
        await deal_for(session, None, tg.clock, name="", phone=NUMBER, email="sofa@example.com")
    await leyla_types_it(tg)


async def leyla_types_it(tg: Harness) -> None:
    await tg.send(LEYLA, "/new")
    await tg.send(LEYLA, "Need a sofa")
    await tg.send(LEYLA, "050 123 45 67")
    await tg.deliver()


async def owners_card(tg: Harness, deal_id: int = 2) -> Any:
    [card] = without_answers(await tg.press(OLGA, f"do:{deal_id}"))
    return card


async def state(tg: Harness) -> dict[str, Any]:
    async with tg.app.sessions() as session:
        customers = await session.execute(
            select(Customer.id, Customer.name, Customer.phone, Customer.email, User.tg_id)
            .outerjoin(User, User.id == Customer.user_id)
            .where(Customer.merged_into_id.is_(None))
            .order_by(Customer.id)
        )
        # Kept for an undo, with no number, account or e-mail of their own.
        merged_away = await session.execute(
            select(Customer.id, Customer.name, Customer.merged_into_id)
            .where(
                Customer.merged_into_id.is_not(None),
                Customer.phone.is_(None),
                Customer.user_id.is_(None),
                Customer.email.is_(None),
            )
            .order_by(Customer.id)
        )
        deals = await session.execute(select(Deal.id, Deal.customer_id, Deal.version))
        merged = await session.execute(
            select(
                Event.deal_id, Event.customer_id, Event.actor_id, Event.from_value, Event.to_value
            )
            .where(Event.kind == "merged")
            .order_by(Event.id)
        )
        return {
            "customers": [tuple(r) for r in customers.all()],
            "merged_away": [tuple(r) for r in merged_away.all()],
            "deals": sorted(tuple(r) for r in deals.all()),
            "merged": [tuple(r) for r in merged.all()],
        }
