"""Customer and manager talk through the bot; every message is kept with its deal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services import events, outbox
from services.access import Actor, require_deal
from services.assignment import WorkingHours
from services.content import Content, message_rows, store, store_all
from services.customers import hold_accounts
from services.db.customers import Customer
from services.db.deals import Deal, Message
from services.db.users import User
from services.errors import Conflict, DomainError, ErrorCode, InvalidInput, NotFound
from services.intake import Request, announcement, confirmation, open_requests
from services.rules.engine import fire
from services.rules.happened import Happened
from services.rules.model import CUSTOMER_WROTE
from services.users import by_ids

# Each customer's open deal, the latest first: the first row per customer is theirs.
_OPEN_DEALS = (
    select(Customer.user_id, Deal)
    .join(Customer, Customer.id == Deal.customer_id)
    .where(Customer.user_id.in_(bindparam("user_ids", expanding=True)), Deal.closed_at.is_(None))
    .order_by(Deal.last_activity_at.desc(), Deal.id.desc())
)


@dataclass(frozen=True)
class Written:
    """Where a customer's message went: a new request (`opened`), or the open one's manager."""

    deal_id: int
    opened: bool
    manager_name: str | None = None


async def customers_write(
    session: AsyncSession,
    writes: Sequence[Request],
    now: datetime,
    hours: WorkingHours | None = None,
) -> list[Written | DomainError]:
    """Messages customers wrote with no flow open, handled together: each goes to the manager
    of its writer's open deal; a writer with none opens a request with it. A customer's
    later messages among them join the request their first one opened."""
    user_ids = list({write.actor.user_id for write in writes})
    # An undo of a merge may be giving an account back to its own record: waited for.
    await hold_accounts(session, user_ids)
    deals: dict[int, Deal] = {}
    for user_id, deal in await session.execute(_OPEN_DEALS, {"user_ids": user_ids}):
        deals.setdefault(user_id or 0, deal)
    opening = {}
    for index, write in enumerate(writes):
        user_id = write.actor.user_id
        if user_id not in deals and user_id not in opening and not write.content.is_empty:
            opening[user_id] = index
    outcomes: dict[int, Written] = {}
    requests = [writes[index] for index in opening.values()]
    opened = await open_requests(session, requests, now, hours) if requests else []
    news = {}
    for (user_id, index), request in zip(opening.items(), opened, strict=True):
        deals[user_id], news[index] = request.deal, request
        manager = request.manager
        outcomes[index] = Written(request.deal.id, True, manager.first_name if manager else None)
    relays = {
        index: (write, deals[write.actor.user_id])
        for index, write in enumerate(writes)
        if index not in outcomes and write.actor.user_id in deals
    }
    relayed = await _store(session, relays, now)
    wrote = [
        Happened(CUSTOMER_WROTE, relays[index][1].id, f"wrote:{messages[0].id}")
        for index, (_, messages) in relayed.items()
        if messages
    ]
    await fire(session, wrote, now)
    # Queued in the order they were written: each manager reads them as they came.
    queued = []
    for index in sorted(news.keys() | relayed.keys()):
        if index in news:
            queued.append(confirmation(writes[index].actor, news[index], now))
            queued += announcement(news[index], now)
        else:
            manager, messages = relayed[index]
            if manager is not None:
                queued += outbox.queued_messages(manager.tg_id, "relay_in", messages, now)
            outcomes[index] = Written(relays[index][1].id, False)
    await outbox.enqueue_all(session, queued)
    await session.commit()
    # Left over: an empty message from someone with no request to add it to.
    return [outcomes.get(i) or InvalidInput(ErrorCode.EMPTY_REQUEST) for i in range(len(writes))]


async def _store(
    session: AsyncSession, relays: dict[int, tuple[Request, Deal]], now: datetime
) -> dict[int, tuple[User | None, list[Message]]]:
    """Keep each message with its deal; with the deal's manager, to queue it for."""
    if not relays:
        return {}
    written = await store_all(
        session,
        [
            message_rows(deal.id, "in", write.actor.user_id, write.content, now)
            for write, deal in relays.values()
        ],
    )
    stored = dict(zip(relays, written, strict=True))
    managers = await by_ids(session, {d.manager_id for _, d in relays.values() if d.manager_id})
    for _, deal in relays.values():
        deal.last_activity_at = now
    return {
        index: (managers.get(deal.manager_id or 0), stored[index])
        for index, (_, deal) in relays.items()
    }


async def staff_replies(
    session: AsyncSession, actor: Actor, deal_id: int, content: Content, now: datetime
) -> None:
    if content.is_empty:
        raise InvalidInput(ErrorCode.EMPTY_REPLY)
    deal = await get_deal(session, deal_id)
    require_deal(actor, deal)
    customer = await session.get_one(Customer, deal.customer_id)
    recipient = await session.get(User, customer.user_id) if customer.user_id else None
    if recipient is None:
        raise Conflict(ErrorCode.NO_TELEGRAM)
    messages = await store(session, deal.id, "out", actor.user_id, content, now)
    if deal.taken_at is None:
        deal.taken_at = now
        events.record(session, deal.id, actor.user_id, "first_response", now)
    deal.last_activity_at = now
    outbox.enqueue_messages(session, recipient.tg_id, "relay_out", messages, now)
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
        raise Conflict(ErrorCode.ALREADY_TAKEN)
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
