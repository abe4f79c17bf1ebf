"""The managers' discount limit, a percent the owner sets: each discount a manager gives takes
at most that much of what it discounts, and the managers' discounts on a request together at
most that much of its subtotal; one past the limit waits for the owners' approval. Discounts an
owner or a rule gave, or the owners approved, are not counted. When a change to the items takes
the managers' discounts past the limit (fewer items, a lower quantity), they go back to the
owners, and the total counts without them meanwhile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services import events, outbox, sales
from services.access import OWNER
from services.db.catalog import Discount
from services.db.users import User
from services.item_views import APPLIED, PENDING, DealItems, DiscountView, deal_items
from services.rules.discounting import ON_DEAL, event_value
from services.totals import HUNDRED, ZERO, percent_of, quantum

ASKED = "discount_asked"


@dataclass(frozen=True)
class Counted:
    discount: DiscountView
    # What it discounts, and what it takes from that.
    base: Decimal
    taken: Decimal


def counted(shown: DealItems) -> list[Counted]:
    """The applied discounts counted against the limit."""
    found = []
    for item in shown.items:
        applied = [d for d in item.discounts if d.state == APPLIED]
        for discount, taken in zip(applied, item.line.offs, strict=True):
            found.append(Counted(discount, item.line.gross, taken))
    on_deal = [d for d in shown.discounts if d.state == APPLIED]
    left = shown.totals.subtotal - shown.totals.item_discounts
    for discount, taken in zip(on_deal, shown.totals.deal_discounts, strict=True):
        found.append(Counted(discount, left, taken))
    return [c for c in found if c.discount.limited]


def over_limit(shown: DealItems, limit: Decimal) -> bool:
    """A counted discount takes more than `limit` percent of what it discounts, or they all
    together take more than that of the subtotal (each may round up by half a minor unit)."""
    found = counted(shown)
    if any(percent_of(c.discount.off, c.base) > limit for c in found):
        return True
    if len(found) < 2:
        return False
    slack = quantum(shown.currency) / 2 * len(found)
    taken = sum((c.taken for c in found), ZERO)
    return (taken - slack) * HUNDRED > limit * shown.totals.subtotal


async def hold_over_limit(session: AsyncSession, shown: DealItems, now: datetime) -> bool:
    """After the items changed: when the managers' discounts now take more than the limit,
    each waits for the owners again, who are asked. Whether any did."""
    if not over_limit(shown, (await sales.current(session)).manager_limit):
        return False
    on_items = (d for item in shown.items for d in item.discounts)
    held = [d for d in (*shown.discounts, *on_items) if d.state == APPLIED and d.limited]
    await session.execute(
        update(Discount)
        .where(Discount.id.in_([d.discount_id for d in held]))
        .values(state=PENDING)
        .execution_options(synchronize_session=False)
    )
    for discount in held:
        target = ON_DEAL if discount.item_id is None else str(discount.item_id)
        events.record(session, shown.deal_id, None, ASKED, now, target, event_value(discount.off))
        await ask_owners(session, shown.deal_id, discount.discount_id, now, again=True)
    return True


async def ask_owners(
    session: AsyncSession, deal_id: int, discount_id: int, now: datetime, again: bool = False
) -> None:
    """Each owner gets the question with Approve and Refuse; `again` when the items took a
    discount given within the limit past it."""
    owners = await session.scalars(
        select(User).where(User.role == OWNER, User.blocked.is_(False)).order_by(User.id)
    )
    payload: dict[str, int | bool] = {"deal_id": deal_id, "discount_id": discount_id}
    if again:
        payload["again"] = True
    for owner in owners.all():
        outbox.enqueue(
            session,
            chat_id=owner.tg_id,
            kind=ASKED,
            payload=payload,
            dedupe_key=f"{ASKED}:{discount_id}:{owner.id}",
            now=now,
        )


async def recheck(session: AsyncSession, deal_id: int, now: datetime) -> DealItems:
    """The request's items as they are now, once the managers' discounts are within the limit."""
    shown = await deal_items(session, deal_id)
    if await hold_over_limit(session, shown, now):
        await session.flush()
        shown = await deal_items(session, deal_id)
    return shown
