"""Discounts on an item or on the whole deal: typed by a manager up to the owner's limit (above
it the owners approve with a tap), by an owner without one (a rule gives its own:
services/rules/discounting.py). A person's new discount on the same item (or on the deal) takes
the place of the one before, once it is given: one waiting for the owners leaves the one given
until they approve it. Each is counted into the deal's amount and kept in its
history with who or which rule gave it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import discount_limits, events, outbox, pipeline, sales
from services.access import Actor, require_owner
from services.amounts import parse_amount, parse_number
from services.db.catalog import Discount
from services.db.deals import Deal
from services.db.users import User
from services.errors import ErrorCode, InvalidInput, NotFound
from services.item_views import APPLIED, PENDING, REFUSED, deal_items
from services.items import Screen, recount, recounted
from services.manager_notices import amount_redrawn
from services.rules.discounting import DISCOUNT, event_value
from services.rules.discounting import ON_DEAL as DEAL
from services.totals import AMOUNT, HUNDRED, PERCENT, Off, percent_of

ASKED = discount_limits.ASKED
DECIDED = "discount_decided"


@dataclass(frozen=True)
class Given:
    screen: Screen
    # Waiting for an owner: above the manager's limit; `together`: within it alone, above it
    # with the manager's other discounts on the request.
    pending: bool
    together: bool = False


def parse_off(text: str, locale: str) -> Off:
    """ "5%" is a percent (up to 100), "50" an amount of money."""
    raw = text.strip()
    if raw.endswith("%"):
        value = parse_number(raw.removesuffix("%").strip(), locale, ErrorCode.DISCOUNT)
        if not Decimal(0) < value <= HUNDRED or value != value.quantize(Decimal("0.01")):
            raise InvalidInput(ErrorCode.DISCOUNT)
        return Off(PERCENT, value)
    try:
        value = parse_amount(raw, locale)
    except InvalidInput as error:
        raise InvalidInput(ErrorCode.DISCOUNT) from error
    if value <= 0:
        raise InvalidInput(ErrorCode.DISCOUNT)
    return Off(AMOUNT, value)


async def give(
    session: AsyncSession,
    actor: Actor,
    deal_id: int,
    seen: int,
    item_id: int | None,
    text: str,
    now: datetime,
) -> Given:
    deal = await pipeline.load(session, actor, deal_id, seen)
    pipeline.require_open(deal)
    off = parse_off(text, actor.locale)
    shown = await deal_items(session, deal_id)
    if item_id is None:
        base = shown.totals.subtotal - shown.totals.item_discounts
    else:
        item = shown.item(item_id)
        if item is None:
            raise NotFound()
        base = item.line.gross
    if not shown.items or (off.kind == AMOUNT and off.value > base):
        raise InvalidInput(ErrorCode.DISCOUNT)
    # A manager's discount takes the place of their own, never of an owner's.
    whose = Discount.by_id.is_not(None) if actor.is_owner else Discount.by_id == actor.user_id
    replaced = await _replaced(session, deal_id, item_id, whose)
    row = Discount(
        deal_id=deal_id,
        item_id=item_id,
        kind=off.kind,
        value=off.value,
        by_id=actor.user_id,
        state=APPLIED,
        limited=not actor.is_owner,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    limit = (await sales.current(session)).manager_limit
    pending = row.limited and await _past_limit(session, deal_id, actor.user_id, replaced, limit)
    # Measured against what it discounts: the item, or the whole request.
    alone = percent_of(off, shown.totals.subtotal if item_id is None else base)
    together = pending and alone <= limit
    if pending:
        # A discount asked of the owners leaves the one given until they approve it.
        row.state = PENDING
        replaced = [d for d in replaced if d.state == PENDING]
    await _delete(session, [d.id for d in replaced])
    target = DEAL if item_id is None else str(item_id)
    events.record(
        session,
        deal_id,
        actor.user_id,
        ASKED if pending else DISCOUNT,
        now,
        target,
        event_value(off),
    )
    if pending:
        await discount_limits.ask_owners(session, deal_id, row.id, now)
    screen = await recounted(session, deal, seen, now, by=actor.user_id)
    return Given(screen, pending, together)


async def take_back(
    session: AsyncSession, actor: Actor, deal_id: int, seen: int, discount_id: int, now: datetime
) -> Screen:
    """A discount removed: a manager's own or one asked of the owners, or any by an owner."""
    deal = await pipeline.load(session, actor, deal_id, seen)
    pipeline.require_open(deal)
    row = await session.get(Discount, discount_id)
    if row is None or row.deal_id != deal_id or row.state == REFUSED:
        raise NotFound()
    if not actor.is_owner and row.by_id != actor.user_id:
        raise NotFound()
    target = DEAL if row.item_id is None else str(row.item_id)
    await session.delete(row)
    events.record(session, deal_id, actor.user_id, DISCOUNT, now, target, None)
    return await recounted(session, deal, seen, now, by=actor.user_id)


async def decide(
    session: AsyncSession, actor: Actor, discount_id: int, approve: bool, now: datetime
) -> tuple[int, bool]:
    """An owner approves or refuses a discount above the limit; the manager who asked is
    told. The deal, and whether it was approved."""
    require_owner(actor)
    row = await session.get(Discount, discount_id)
    if row is None or row.state != PENDING:
        raise NotFound()
    deal = await session.get_one(Deal, row.deal_id)
    if deal.closed_at is not None:
        raise InvalidInput(ErrorCode.DEAL_CLOSED)
    if approve:
        # It takes the place of what the manager gave there before, and of nobody else's.
        await _replace(
            session, deal.id, row.item_id, (Discount.by_id == row.by_id) & (Discount.id != row.id)
        )
    row.state = APPLIED if approve else REFUSED
    # Approved: the owners answer for it, and it no longer counts against the limit.
    row.limited = False
    events.record(
        session,
        deal.id,
        actor.user_id,
        DISCOUNT if approve else "discount_refused",
        now,
        DEAL if row.item_id is None else str(row.item_id),
        event_value(Off(row.kind, row.value)),
    )
    asker = await session.get(User, row.by_id) if row.by_id else None
    if asker is not None and asker.id != actor.user_id and not asker.blocked:
        outbox.enqueue(
            session,
            chat_id=asker.tg_id,
            kind=DECIDED,
            payload={"deal_id": deal.id, "discount_id": row.id, "approved": approve},
            dedupe_key=f"{DECIDED}:{row.id}",
            now=now,
        )
    before = deal.amount
    await recount(session, deal, None, now)
    await amount_redrawn(session, deal.id, before, now)
    await session.commit()
    return deal.id, approve


def _same(deal_id: int, item_id: int | None, whose: ColumnElement[bool]) -> ColumnElement[bool]:
    target = Discount.item_id.is_(None) if item_id is None else Discount.item_id == item_id
    return and_(Discount.deal_id == deal_id, target, whose, Discount.state != REFUSED)


async def _replace(
    session: AsyncSession, deal_id: int, item_id: int | None, whose: ColumnElement[bool]
) -> None:
    await session.execute(delete(Discount).where(_same(deal_id, item_id, whose)))


async def _replaced(
    session: AsyncSession, deal_id: int, item_id: int | None, whose: ColumnElement[bool]
) -> list[Discount]:
    """The discounts a new one would take the place of."""
    return list(await session.scalars(select(Discount).where(_same(deal_id, item_id, whose))))


async def _delete(session: AsyncSession, ids: list[int]) -> None:
    if ids:
        await session.execute(delete(Discount).where(Discount.id.in_(ids)))


async def _past_limit(
    session: AsyncSession, deal_id: int, actor_id: int, replaced: list[Discount], limit: Decimal
) -> bool:
    """The manager's discounts, the new one among them and those it replaces gone, take more
    than the limit."""
    shown = await deal_items(session, deal_id, leaving={d.id for d in replaced})
    return actor_id in discount_limits.over(shown, limit)
