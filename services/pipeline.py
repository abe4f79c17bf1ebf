"""Working a deal: stage moves, amount, notes, lost and reopen, hand-over.

Every change is a conditional UPDATE on the version the acting card showed, so of two presses
on the same card only the first acts and a press on an out-of-date card changes nothing."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, NoReturn, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services import events, feedback_ask, log_context, outbox, shortages, stages, stock
from services import manager_notices as told
from services.access import MANAGER, OWNER, Actor, require_deal, require_owner
from services.amounts import parse_amount
from services.conversation import get_deal
from services.db.catalog import DealItem
from services.db.customers import Customer
from services.db.deals import Deal, Event, Stage
from services.db.outbox import Outbox
from services.db.users import User
from services.errors import Conflict, ErrorCode, InvalidInput, NotFound
from services.rules import standard
from services.rules.engine import fire
from services.rules.happened import Happened
from services.rules.model import AMOUNT, FIELD_CHANGED, STAGE_ENTERED, STAGE_LEFT
from services.users import full_name
from services.views import DealCard, deal_card

LOST_REASONS = ("price", "no_answer", "competitor", "not_needed", "other")
OTHER = "other"
REOPENED = "reopened"
NOTE_LENGTH = 1000


class StaleCard(Conflict):
    """The card's version is not the deal's: here is the deal as it is now."""

    code = ErrorCode.STALE_CARD

    def __init__(self, card: DealCard) -> None:
        super().__init__()
        self.card = card


async def card(session: AsyncSession, actor: Actor, deal_id: int) -> DealCard:
    await _allowed(session, actor, deal_id)
    return await deal_card(session, deal_id)


async def checked(
    session: AsyncSession, actor: Actor, deal_id: int, seen: int, open_only: bool = True
) -> DealCard:
    """For presses that only open a choice: refused or refreshed like the actions they lead to."""
    deal = await load(session, actor, deal_id, seen)
    if open_only:
        require_open(deal)
    return await deal_card(session, deal_id)


async def stage_choices(
    session: AsyncSession, actor: Actor, deal_id: int, seen: int
) -> tuple[DealCard, list[stages.StageView]]:
    shown = await checked(session, actor, deal_id, seen)
    return shown, [stages.view(s) for s in stages.flow(await stages.active_stages(session))]


async def load(session: AsyncSession, actor: Actor, deal_id: int, seen: int) -> Deal:
    deal = await _allowed(session, actor, deal_id)
    if deal.version != seen:
        await _stale(session, deal_id)
    return deal


async def _allowed(session: AsyncSession, actor: Actor, deal_id: int) -> Deal:
    log_context.about_deal(deal_id)
    deal = await get_deal(session, deal_id)
    require_deal(actor, deal)
    return deal


async def _stale(session: AsyncSession, deal_id: int) -> NoReturn:
    await session.rollback()
    raise StaleCard(await deal_card(session, deal_id))


def require_open(deal: Deal) -> None:
    if deal.closed_at is not None:
        raise InvalidInput(ErrorCode.DEAL_CLOSED)


async def write(session: AsyncSession, deal: Deal, seen: int, **values: Any) -> None:
    """Apply the change only if nobody changed the deal since the card was shown."""
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(Deal)
            .where(Deal.id == deal.id, Deal.version == seen)
            .values(version=seen + 1, **values)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        await _stale(session, deal.id)


async def done(session: AsyncSession, deal_id: int) -> DealCard:
    await session.commit()
    session.expire_all()
    return await deal_card(session, deal_id)


async def _move_to(
    session: AsyncSession,
    actor: Actor,
    deal: Deal,
    seen: int,
    stage: Stage,
    now: datetime,
    kind: str,
    **values: Any,
) -> None:
    """Put the deal at `stage`, with the other `values` the move sets, and record the move."""
    left = deal.stage_id
    await write(session, deal, seen, stage_id=stage.id, last_activity_at=now, **values)
    events.record(session, deal.id, actor.user_id, kind, now, left, stage.id)
    await told.manager_told(
        session, actor.user_id, deal, seen + 1, now, told.STAGE, left, stage.id
    )
    await stock.moved_by(session, actor.user_id, deal.id, stage, now)
    await fire(session, moved(deal.id, left, stage, now), now)


def moved(deal_id: int, left: int, stage: Stage, now: datetime) -> list[Happened]:
    key = f"stage:{now.isoformat()}"
    return [
        Happened(STAGE_LEFT, deal_id, key, {"stage": left}),
        Happened(STAGE_ENTERED, deal_id, key, {"stage": stage.id, "kind": stage.kind}),
    ]


async def _finish_move(
    session: AsyncSession, deal: Deal, seen: int, stage: Stage, now: datetime
) -> DealCard:
    """Tell the customer when the stage says so (and ask for feedback on a closing), and
    commit the move."""
    await _notify_customer(session, deal, stage, seen + 1, now)
    await outbox.enqueue_all(session, await feedback_ask.closed(session, deal, stage, now))
    return await done(session, deal.id)


async def move(
    session: AsyncSession,
    actor: Actor,
    deal_id: int,
    seen: int,
    stage_id: int | None,
    now: datetime,
    beyond_stock: bool = False,
) -> DealCard:
    """To the given stage, or the next one when None; entering Won closes the deal. Into a
    stage that reserves stock beyond what is available, only once confirmed (`beyond_stock`)."""
    deal = await load(session, actor, deal_id, seen)
    require_open(deal)
    walk = stages.flow(await stages.active_stages(session))
    ids = [s.id for s in walk]
    if stage_id is None:
        # An open deal's stage is open, so Won at least follows it.
        target = walk[ids.index(deal.stage_id) + 1]
    elif stage_id in ids:
        target = walk[ids.index(stage_id)]
    else:
        raise NotFound()
    if target.id == deal.stage_id:
        raise InvalidInput(ErrorCode.SAME_STAGE)
    short = [] if beyond_stock else await shortages.entering(session, deal.id, target)
    if short:
        raise shortages.BeyondStock(deal.id, seen, target.id, short)
    closed = now if target.kind == stages.WON else None
    await _move_to(session, actor, deal, seen, target, now, "stage", closed_at=closed)
    return await _finish_move(session, deal, seen, target, now)


async def lose(
    session: AsyncSession,
    actor: Actor,
    deal_id: int,
    seen: int,
    reason: str,
    now: datetime,
    other: str = "",
) -> DealCard:
    """Close as lost with one of LOST_REASONS; "other" carries the person's own words."""
    deal = await load(session, actor, deal_id, seen)
    require_open(deal)
    if reason not in LOST_REASONS:
        raise InvalidInput(ErrorCode.LOST_REASON)
    stored = reason
    if reason == OTHER:
        words = " ".join(other.split())[:NOTE_LENGTH]
        if not words:
            raise InvalidInput(ErrorCode.EMPTY_TEXT)
        stored = f"{OTHER}:{words}"
    lost = next(s for s in await stages.active_stages(session) if s.kind == stages.LOST)
    await _move_to(
        session, actor, deal, seen, lost, now, "stage", closed_at=now, lost_reason=stored
    )
    events.record(session, deal.id, actor.user_id, "lost_reason", now, None, stored)
    return await _finish_move(session, deal, seen, lost, now)


async def reopen(
    session: AsyncSession, actor: Actor, deal_id: int, seen: int, now: datetime
) -> DealCard:
    """The owner reopens a won or lost deal at the stage it was closed from."""
    require_owner(actor)
    deal = await load(session, actor, deal_id, seen)
    if deal.closed_at is None:
        raise InvalidInput(ErrorCode.NOT_CLOSED)
    opens = [s for s in await stages.active_stages(session) if s.kind == stages.OPEN]
    before = await session.scalar(
        select(Event.from_value)
        .where(Event.deal_id == deal.id, Event.kind == "stage")
        .order_by(Event.id.desc())
        .limit(1)
    )
    target = next((s for s in opens if str(s.id) == before), opens[0])
    await _move_to(
        session, actor, deal, seen, target, now, REOPENED, closed_at=None, lost_reason=None
    )
    return await _finish_move(session, deal, seen, target, now)


async def set_amount(
    session: AsyncSession, actor: Actor, deal_id: int, seen: int, text: str, now: datetime
) -> DealCard:
    """The amount as the person typed it, read in their locale."""
    deal = await _allowed(session, actor, deal_id)
    amount = parse_amount(text, actor.locale)
    if deal.version != seen:
        await _stale(session, deal_id)
    require_open(deal)
    if await session.scalar(select(DealItem.id).where(DealItem.deal_id == deal.id).limit(1)):
        raise InvalidInput(ErrorCode.AMOUNT_FROM_ITEMS)
    old = deal.amount
    await write(session, deal, seen, amount=amount, last_activity_at=now)
    events.record(session, deal.id, actor.user_id, "amount", now, old, amount)
    await told.manager_told(session, actor.user_id, deal, seen + 1, now, told.AMOUNT, old, amount)
    await amount_changed(session, deal.id, old, amount, now)
    return await done(session, deal.id)


async def amount_changed(
    session: AsyncSession, deal_id: int, old: Decimal | None, new: Decimal | None, now: datetime
) -> None:
    """Rules hear of a new amount, typed or counted from the items."""
    detail = {"field": AMOUNT, "old": old, "new": new}
    await fire(
        session, [Happened(FIELD_CHANGED, deal_id, f"amount:{now.isoformat()}", detail)], now
    )


async def add_note(
    session: AsyncSession, actor: Actor, deal_id: int, seen: int, text: str, now: datetime
) -> DealCard:
    note = text.strip()[:NOTE_LENGTH]
    if not note:
        raise InvalidInput(ErrorCode.EMPTY_TEXT)
    deal = await load(session, actor, deal_id, seen)
    await write(session, deal, seen, last_activity_at=now)
    events.record(session, deal.id, actor.user_id, "note", now, None, note)
    return await done(session, deal.id)


async def handover_choices(
    session: AsyncSession, actor: Actor, deal_id: int, seen: int
) -> tuple[DealCard, list[tuple[int, str]]]:
    """Who the deal can go to: active managers and owners, except its current manager."""
    shown = await checked(session, actor, deal_id, seen)
    people = await session.scalars(
        select(User)
        .where(
            (User.role == OWNER) | ((User.role == MANAGER) & User.is_active),
            User.blocked.is_(False),
            User.id != (shown.manager_id or 0),
        )
        .order_by(User.role.desc(), User.first_name, User.id)
    )
    return shown, [(u.id, full_name(u)) for u in people.all()]


async def reassign(
    session: AsyncSession, actor: Actor, deal_id: int, seen: int, user_id: int, now: datetime
) -> DealCard:
    """The owner, or the deal's manager handing it over; the new manager gets the card."""
    deal = await load(session, actor, deal_id, seen)
    require_open(deal)
    target = await session.get(User, user_id)
    if (
        target is None
        or target.blocked
        or not (target.role == OWNER or (target.role == MANAGER and target.is_active))
    ):
        raise NotFound()
    if target.id == deal.manager_id:
        raise InvalidInput(ErrorCode.SAME_MANAGER)
    previous = await session.get(User, deal.manager_id) if deal.manager_id else None
    await write(session, deal, seen, manager_id=target.id, taken_at=None, last_activity_at=now)
    events.record(session, deal.id, actor.user_id, "assigned", now, deal.manager_id, target.id)
    _tell(session, target, "deal_card", deal, seen + 1, now)
    if previous is not None and previous.id != actor.user_id and not previous.blocked:
        session.add(Outbox(**told.redraw(previous.tg_id, deal.id, seen + 1, now)))
        _tell(
            session,
            previous,
            told.HANDED_OVER,
            deal,
            seen + 1,
            now,
            user_id=target.id,
            by=actor.user_id,
        )
    return await done(session, deal.id)


async def _notify_customer(
    session: AsyncSession, deal: Deal, stage: Stage, version: int, now: datetime
) -> None:
    if not stage.notify_customer or not await standard.notices_on(session):
        return
    customer = await session.get_one(Customer, deal.customer_id)
    user = await session.get(User, customer.user_id) if customer.user_id else None
    if user is None or user.blocked:
        return
    _tell(session, user, "stage_notice", deal, version, now, stage_id=stage.id)
    await standard.acted(session, standard.STAGE_NOTICES, now)


def _tell(
    session: AsyncSession,
    user: User,
    kind: str,
    deal: Deal,
    version: int,
    now: datetime,
    **payload: int,
) -> None:
    """Queue a notice about the deal, at most one of each kind per version of the deal."""
    outbox.enqueue(
        session,
        chat_id=user.tg_id,
        kind=kind,
        payload={"deal_id": deal.id, **payload},
        dedupe_key=f"{kind}:{deal.id}:v{version}",
        now=now,
    )
