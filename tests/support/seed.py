"""People and deals for the reminder, task and contract tests, written straight to the database."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import outbox
from services.access import Actor, actor_of
from services.clock import ManualClock
from services.content import Content
from services.db.customers import Customer
from services.db.deals import Deal, Stage
from services.db.outbox import Outbox
from services.db.users import User
from services.intake import submit_request


async def person(
    session: AsyncSession, tg_id: int, role: str, clock: ManualClock, name: str = ""
) -> User:
    user = User(tg_id=tg_id, role=role, first_name=name or f"U{tg_id}", created_at=clock.now())
    session.add(user)
    await session.commit()
    return user


def actor(user: User) -> Actor:
    return actor_of(user, "en")


async def deal_for(
    session: AsyncSession,
    manager: User | None,
    clock: ManualClock,
    name: str = "Leyla",
    phone: str | None = "+994501234567",
    email: str | None = None,
    source: str = "phone",
    customer_id: int | None = None,
) -> Deal:
    """A deal of a customer known only by phone (or e-mail), as a call or web form leaves; or
    another deal of the customer `customer_id`."""
    if customer_id is None:
        customer = Customer(
            name=name, phone=phone, email=email, source=source, created_at=clock.now()
        )
        session.add(customer)
        await session.flush()
        customer_id = customer.id
    stage = await session.scalar(select(Stage.id).order_by(Stage.position).limit(1))
    deal = Deal(
        customer_id=customer_id,
        source=source,
        stage_id=stage,
        manager_id=manager.id if manager else None,
        title="",
        created_at=clock.now(),
        last_activity_at=clock.now(),
        version=1,
    )
    session.add(deal)
    await session.commit()
    return deal


async def queued(session: AsyncSession) -> list[tuple[int, str, dict[str, object]]]:
    rows = await session.scalars(select(Outbox).order_by(Outbox.id))
    return [(r.chat_id, r.kind, r.payload) for r in rows.all()]


async def add_user(session: AsyncSession, tg_id: int, role: str, clock: ManualClock) -> User:
    user = User(tg_id=tg_id, role=role, first_name=f"U{tg_id}", created_at=clock.now())
    session.add(user)
    await session.commit()
    return user


async def setup_deal(session: AsyncSession, clock: ManualClock) -> tuple[Actor, Actor, Actor]:
    """Deal 1 of customer U100, assigned to manager U10; returns (manager, owner, customer)."""
    owner = await add_user(session, 1, "owner", clock)
    manager = await add_user(session, 10, "manager", clock)
    customer = await add_user(session, 100, "customer", clock)
    await submit_request(session, actor_of(customer, "en"), Content("chairs"), None, clock.now())
    return actor_of(manager, "en"), actor_of(owner, "en"), actor_of(customer, "en")


async def queue_rows(
    session: AsyncSession, chats: Iterable[int], per_chat: int, clock: ManualClock
) -> None:
    """`per_chat` plain outbox rows for each chat, committed."""
    for chat_id in chats:
        for n in range(per_chat):
            outbox.enqueue(
                session,
                chat_id=chat_id,
                kind="k",
                payload={},
                dedupe_key=f"{chat_id}:{n}",
                now=clock.now(),
            )
    await session.commit()
