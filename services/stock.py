"""Stock held by deals. A deal moved into a stage the owner marked as reserving holds what its
items need of every product whose stock is counted, until it is lost (the hold is let go) or
won (what it held is taken from the stock, never below zero; a deal won without holding has
what its items need taken). While it holds, the hold follows its items. A deal reopened at a
reserving stage holds again.

A hold beyond the stock available (services/shortages.py) is made all the same once the person
moving the deal confirmed it, when a rule moves it, or when its items change; then it is told."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import case, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services import events, outbox
from services.db.catalog import DealItem, Product
from services.db.deals import Deal, Stage
from services.db.stock import Reservation
from services.shortages import ZERO, Shortage, held, needs, notices, shortages
from services.stages import OPEN, WON

# The history's event: its new value says what became of the deal's hold.
EVENT = "stock"
RESERVED, RELEASED, TAKEN = "reserved", "released", "taken"


@dataclass(frozen=True)
class Followed:
    """What a move did to the deal's hold: its history's word (None: nothing changed), and the
    notices of a hold beyond the stock, written with the move."""

    change: str | None = None
    notices: list[outbox.QueuedRow] = field(default_factory=list)


async def _since(session: AsyncSession, deal_id: int) -> datetime | None:
    return await session.scalar(select(Deal.reserved_at).where(Deal.id == deal_id))


async def _mark(session: AsyncSession, deal_id: int, since: datetime | None) -> None:
    await session.execute(
        update(Deal)
        .where(Deal.id == deal_id)
        .values(reserved_at=since)
        .execution_options(synchronize_session=False)
    )


async def _hold(session: AsyncSession, deal_id: int, now: datetime) -> None:
    """The deal's holds become what its items need now."""
    needed, holding = await needs(session, deal_id), await held(session, deal_id)
    gone = [p for p in holding if p not in needed]
    if gone:
        await session.execute(
            delete(Reservation).where(
                Reservation.deal_id == deal_id, Reservation.product_id.in_(gone)
            )
        )
    for product_id in (p for p in needed if p in holding and needed[p] != holding[p]):
        await session.execute(
            update(Reservation)
            .where(Reservation.deal_id == deal_id, Reservation.product_id == product_id)
            .values(quantity=needed[product_id])
        )
    new = [
        {"deal_id": deal_id, "product_id": p, "quantity": q, "created_at": now}
        for p, q in needed.items()
        if p not in holding
    ]
    if new:
        await session.execute(insert(Reservation), new)


async def _lock(session: AsyncSession, deal_id: int) -> None:
    """The deal's products locked, in id order, until the hold is written: two deals holding
    the last units at once take turns, and the second sees the first's hold."""
    await session.execute(
        select(Product.id)
        .where(
            Product.id.in_(select(DealItem.product_id).where(DealItem.deal_id == deal_id)),
            Product.stock.is_not(None),
        )
        .order_by(Product.id)
        .with_for_update()
    )


async def _take(session: AsyncSession, quantities: dict[int, Decimal]) -> None:
    for product_id, quantity in quantities.items():
        await session.execute(
            update(Product)
            .where(Product.id == product_id, Product.stock.is_not(None))
            .values(stock=case((Product.stock > quantity, Product.stock - quantity), else_=ZERO))
            .execution_options(synchronize_session=False)
        )


async def moved(
    session: AsyncSession, deal_id: int, stage: Stage, now: datetime, by: int | None
) -> Followed:
    """The deal entered `stage`, moved by the user `by` (None: a rule): it begins or goes on
    holding, or its hold is let go (lost) or taken from the stock (won)."""
    since = await _since(session, deal_id)
    if stage.kind == OPEN:
        if not stage.reserves:
            return Followed()
        await _lock(session, deal_id)
        short = await shortages(session, deal_id)
        await _hold(session, deal_id, now)
        if since is None:
            await _mark(session, deal_id, now)
        told = await notices(session, deal_id, short, by, now)
        return Followed(RESERVED if since is None else None, told)
    if stage.kind == WON and since is None:
        # Sold without being held first (won from a stage that does not reserve, or after
        # it was let go): what its items need goes out of the stock all the same.
        sold = await needs(session, deal_id)
        await _take(session, sold)
        return Followed(TAKEN if sold else None)
    if since is None:
        return Followed()
    if stage.kind == WON:
        await _take(session, await held(session, deal_id))
    await session.execute(delete(Reservation).where(Reservation.deal_id == deal_id))
    await _mark(session, deal_id, None)
    return Followed(TAKEN if stage.kind == WON else RELEASED)


async def moved_by(
    session: AsyncSession, actor_id: int, deal_id: int, stage: Stage, now: datetime
) -> None:
    """`moved`, its history and notices written at once."""
    followed = await moved(session, deal_id, stage, now, actor_id)
    if followed.change is not None:
        events.record(session, deal_id, actor_id, EVENT, now, None, followed.change)
    await outbox.enqueue_all(session, followed.notices)


async def items_changed(
    session: AsyncSession, deal_id: int, now: datetime, by: int
) -> list[Shortage]:
    """The hold of a deal that holds follows its items, changed by the user `by`: what it now
    holds beyond the stock (told to the others)."""
    if await _since(session, deal_id) is None:
        return []
    await _lock(session, deal_id)
    short = await shortages(session, deal_id)
    await _hold(session, deal_id, now)
    await outbox.enqueue_all(session, await notices(session, deal_id, short, by, now))
    return short
