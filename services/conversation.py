"""Customer and manager talk through the bot; every message is kept with its deal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services import events, outbox
from services.access import Actor, require_deal
from services.content import Content, store
from services.db.models import Customer, Deal, User
from services.errors import Conflict, InvalidInput, NotFound

_OPEN_DEAL = (
    select(Deal)
    .join(Customer, Customer.id == Deal.customer_id)
    .where(Customer.user_id == bindparam("user_id"), Deal.closed_at.is_(None))
    .order_by(Deal.last_activity_at.desc(), Deal.id.desc())
    .limit(1)
)


async def customer_open_deal(session: AsyncSession, user_id: int) -> Deal | None:
    return await session.scalar(_OPEN_DEAL, {"user_id": user_id})


async def customer_writes(
    session: AsyncSession, actor: Actor, content: Content, now: datetime
) -> int | None:
    """Pass a customer's message to the manager of their open deal; None when there is none."""
    deal = await customer_open_deal(session, actor.user_id)
    if deal is None:
        return None
    messages = await store(session, deal.id, "in", actor.user_id, content, now)
    deal.last_activity_at = now
    manager = await session.get(User, deal.manager_id) if deal.manager_id else None
    if manager is not None:
        for message in messages:
            outbox.enqueue(
                session,
                chat_id=manager.tg_id,
                kind="relay_in",
                payload={"message_id": message.id},
                dedupe_key=f"relay_in:{message.id}",
                now=now,
            )
    await session.commit()
    return deal.id


async def staff_replies(
    session: AsyncSession, actor: Actor, deal_id: int, content: Content, now: datetime
) -> None:
    if content.is_empty:
        raise InvalidInput("empty_reply")
    deal = await get_deal(session, deal_id)
    require_deal(actor, deal)
    customer = await session.get_one(Customer, deal.customer_id)
    recipient = await session.get(User, customer.user_id) if customer.user_id else None
    if recipient is None:
        raise Conflict("no_telegram")
    messages = await store(session, deal.id, "out", actor.user_id, content, now)
    if deal.taken_at is None:
        deal.taken_at = now
        events.record(session, deal.id, actor.user_id, "first_response", now)
    deal.last_activity_at = now
    for message in messages:
        outbox.enqueue(
            session,
            chat_id=recipient.tg_id,
            kind="relay_out",
            payload={"message_id": message.id},
            dedupe_key=f"relay_out:{message.id}",
            now=now,
        )
    await session.commit()


@dataclass(frozen=True)
class Taken:
    deal_id: int
    by_name: str
    already: bool


async def take(session: AsyncSession, actor: Actor, deal_id: int, now: datetime) -> Taken:
    deal = await get_deal(session, deal_id)
    require_deal(actor, deal)
    if deal.taken_at is not None and deal.manager_id == actor.user_id:
        return Taken(deal.id, actor.first_name, already=True)
    if deal.taken_at is not None:
        raise Conflict("already_taken")
    previous = deal.manager_id
    # Conditional on the deal as read: of two presses at once one takes the request, and a
    # request handed to someone else meanwhile is checked again (and refused) on the retry.
    taken = cast(
        CursorResult[Any],
        await session.execute(
            update(Deal)
            .where(Deal.id == deal.id, Deal.version == deal.version, Deal.taken_at.is_(None))
            .values(
                taken_at=now,
                last_activity_at=now,
                manager_id=actor.user_id,
                version=Deal.version + 1,
            )
            .execution_options(synchronize_session=False)
        ),
    )
    if taken.rowcount == 0:
        await session.rollback()
        await session.refresh(deal)
        return await take(session, actor, deal_id, now)
    await session.refresh(deal)
    if previous != actor.user_id:
        events.record(session, deal.id, actor.user_id, "assigned", now, previous, actor.user_id)
    events.record(session, deal.id, actor.user_id, "taken", now)
    await session.commit()
    return Taken(deal.id, actor.first_name, already=False)


async def get_deal(session: AsyncSession, deal_id: int) -> Deal:
    deal = await session.get(Deal, deal_id)
    if deal is None:
        raise NotFound()
    return deal


async def check_reply(session: AsyncSession, actor: Actor, deal_id: int) -> None:
    """Refuse before the manager starts writing, not after."""
    require_deal(actor, await get_deal(session, deal_id))
