"""A request becomes a deal, assigned at once, with its manager told through the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services import events, log_context, outbox
from services.access import Actor
from services.assignment import (
    Pick,
    Wanted,
    WorkingHours,
    fallback_notices,
    language_of,
    pick_assignee,
    pick_assignees,
)
from services.content import Content, message_rows, store_all
from services.customers import customers_for_users, hold_accounts
from services.db.bulk import insert_all
from services.db.customers import Customer
from services.db.deals import Deal, Event, Message, Stage
from services.db.outbox import Outbox
from services.db.users import User
from services.errors import ErrorCode, InvalidInput
from services.inbox import Handling
from services.rules.engine import fire
from services.rules.happened import Happened
from services.rules.model import CREATED
from services.users import by_ids

TITLE_LENGTH = 200
_FIRST_STAGE = select(Stage.id).where(Stage.kind == "open").order_by(Stage.position).limit(1)


@dataclass(frozen=True)
class Request:
    actor: Actor
    content: Content
    phone: str | None = None
    # The update that carried it, marked handled with the request's change.
    update: Handling | None = None


@dataclass(frozen=True)
class Submitted:
    deal_id: int
    manager_name: str | None


@dataclass(frozen=True)
class Opened:
    deal: Deal
    manager: User | None
    messages: list[Message]


async def submit_request(
    session: AsyncSession,
    actor: Actor,
    content: Content,
    phone: str | None,
    now: datetime,
    hours: WorkingHours | None = None,
) -> Submitted:
    [opened] = await open_requests(session, [Request(actor, content, phone)], now, hours)
    log_context.about_deal(opened.deal.id)
    queued = [confirmation(actor, opened, now), *announcement(opened, now)]
    await outbox.enqueue_all(session, queued)
    await session.commit()
    manager = opened.manager
    return Submitted(opened.deal.id, manager.first_name if manager else None)


async def open_requests(
    session: AsyncSession,
    requests: Sequence[Request],
    now: datetime,
    hours: WorkingHours | None = None,
) -> list[Opened]:
    """The deals of requests received together, with their managers and messages, written
    (not committed) in a few statements for all of them; `announcement` is what tells each
    one's manager. The owners' notices of requests no manager could get are queued here."""
    if any(request.content.is_empty for request in requests):
        raise InvalidInput(ErrorCode.EMPTY_REQUEST)
    users = await by_ids(session, {request.actor.user_id for request in requests})
    # Every read comes first, so what the requests write goes to the database in few flushes.
    wanted = [users[request.actor.user_id] for request in requests]
    picks = await pick_assignees(
        session, [Wanted(language=language_of(user)) for user in wanted], now, hours=hours
    )
    managers = [pick.user for pick in picks]
    await hold_accounts(session, users.keys())
    customers = await customers_for_users(session, wanted, now)
    titles = [request.content.title for request in requests]
    wanted_deals = list(zip(customers, titles, managers, strict=True))
    phones = [request.phone for request in requests]
    deals = await open_deals(session, "telegram", wanted_deals, now, announce=False, phones=phones)
    stored = await store_all(
        session,
        [
            message_rows(deal.id, "in", request.actor.user_id, request.content, now)
            for deal, request in zip(deals, requests, strict=True)
        ],
    )
    # Not announced yet: a rule that gives a request to someone else leaves the announcing
    # (to whoever has it then) to the caller.
    if await fire(session, created(deals, "telegram", now, announced=False), now):
        current = await by_ids(session, {deal.manager_id for deal in deals if deal.manager_id})
        managers = [current.get(deal.manager_id) if deal.manager_id else None for deal in deals]
    # The owners are told why an owner got a request, unless a rule gave it to someone else.
    kept = [
        (deal, pick)
        for deal, pick, manager in zip(deals, picks, managers, strict=True)
        if manager is pick.user
    ]
    await outbox.enqueue_all(session, _notices([d for d, _ in kept], [p for _, p in kept], now))
    return [Opened(*opened) for opened in zip(deals, managers, stored, strict=True)]


def created(
    deals: Sequence[Deal], source: str, now: datetime, announced: bool = True
) -> list[Happened]:
    detail = {"source": source, "announced": announced}
    return [Happened(CREATED, deal.id, CREATED, detail) for deal in deals]


def _notices(
    deals: Sequence[Deal], picks: Sequence[Pick], now: datetime
) -> list[outbox.QueuedRow]:
    return [
        row
        for deal, pick in zip(deals, picks, strict=True)
        for row in fallback_notices(pick, deal.id, now)
    ]


def confirmation(customer: Actor, opened: Opened, now: datetime) -> outbox.QueuedRow:
    """What tells the customer their request is in, and who will answer: queued with the
    request, so a crash in between cannot leave one without the other."""
    manager = opened.manager
    return outbox.queued(
        chat_id=customer.tg_id,
        kind="confirmation",
        payload={"deal_id": opened.deal.id, "manager": manager.first_name if manager else None},
        dedupe_key=f"confirmation:{opened.deal.id}",
        now=now,
        priority=outbox.ANSWER,
    )


def announcement(opened: Opened, now: datetime) -> list[outbox.QueuedRow]:
    """What tells a new request's manager of it: its card, then its photos and documents."""
    if opened.manager is None:
        return []
    media = [message for message in opened.messages if message.kind != "text"]
    return [
        _card(opened.deal, opened.manager, now),
        *outbox.queued_messages(opened.manager.tg_id, "deal_media", media, now),
    ]


async def open_deal(
    session: AsyncSession,
    customer: Customer,
    source: str,
    title: str,
    now: datetime,
    manager: User | None = None,
) -> Deal:
    """A new deal in the first stage; given a manager, it is theirs and its card is queued.
    The caller runs the rules on it (`created`) once it has finished making it."""
    [deal] = await open_deals(session, source, [(customer, title, manager)], now)
    return deal


async def open_deals(
    session: AsyncSession,
    source: str,
    wanted: Sequence[tuple[Customer, str, User | None]],
    now: datetime,
    announce: bool = True,
    phones: Sequence[str | None] | None = None,
) -> list[Deal]:
    """New deals in the first stage, each given to its manager (if any) and with the phone
    number given with it (if any); with `announce`, their cards are queued at once."""
    first = await session.scalar(_FIRST_STAGE)
    given = phones or [None] * len(wanted)
    rows = [
        {
            "customer_id": customer.id,
            "source": source,
            "stage_id": first,
            "title": title[:TITLE_LENGTH],
            "created_at": now,
            "last_activity_at": now,
            "version": 1,
            "manager_id": manager.id if manager else None,
            "phone": phone,
        }
        for (customer, title, manager), phone in zip(wanted, given, strict=True)
    ]
    deals = await insert_all(session, Deal, rows, key=("customer_id",))
    noted, cards = [], []
    for deal, (customer, _, manager) in zip(deals, wanted, strict=True):
        noted.append(events.noted(deal.id, customer.user_id, "created", now, to_value=source))
        if manager is not None:
            noted.append(_assigned(deal, None, manager, now))
            if announce:
                cards.append(_card(deal, manager, now))
    await events.record_all(session, noted)
    await outbox.enqueue_all(session, cards)
    return deals


async def assign(
    session: AsyncSession,
    deal: Deal,
    now: datetime,
    exclude: int | None = None,
    hours: WorkingHours | None = None,
) -> User | None:
    """Give an existing deal to the next manager and queue its card for them (an owner, told
    why, when no manager can have it)."""
    wanted = Wanted(deal.source, None, deal.amount, deal.source_detail, deal.customer_id)
    pick = await pick_assignee(session, now, exclude, wanted, hours)
    manager = pick.user
    if manager is None:
        return None
    await outbox.enqueue_all(session, fallback_notices(pick, deal.id, now))
    _hand_over(session, deal, deal.manager_id, manager, now)
    _queue_card(session, deal, manager, now)
    deal.taken_at = None
    # Cards showing the previous manager are stale now; counted in SQL, so a change landing
    # at the same moment cannot leave two states of the deal under one version.
    await session.execute(
        update(Deal)
        .where(Deal.id == deal.id)
        .values(version=Deal.version + 1)
        .execution_options(synchronize_session="fetch")
    )
    return manager


def _hand_over(
    session: AsyncSession, deal: Deal, previous: int | None, manager: User, now: datetime
) -> None:
    session.add(Event(**_assigned(deal, previous, manager, now)))
    deal.manager_id = manager.id


def _assigned(deal: Deal, previous: int | None, manager: User, now: datetime) -> events.EventRow:
    return events.noted(deal.id, None, "assigned", now, previous, manager.id)


def _queue_card(session: AsyncSession, deal: Deal, manager: User, now: datetime) -> None:
    session.add(Outbox(**_card(deal, manager, now)))


def _card(deal: Deal, manager: User, now: datetime) -> outbox.QueuedRow:
    return outbox.queued(
        chat_id=manager.tg_id,
        kind="deal_card",
        payload={"deal_id": deal.id},
        dedupe_key=f"deal_card:{deal.id}:{manager.id}:{now.isoformat()}",
        now=now,
    )
