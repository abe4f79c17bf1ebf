"""The managers' discount limit, a percent the owner sets: each discount a manager gives takes
at most that much of what it discounts (the item, or the whole request), and a manager's
discounts on a request together at most that much of its subtotal; one past the limit waits
for the owners' approval. Discounts an owner or a rule gave, or the owners approved, are not
counted. When a change to the items takes a manager's discounts past the limit (fewer items, a
lower quantity), they go back to the owners, and the total counts without them meanwhile."""

from __future__ import annotations

from collections import defaultdict
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
from services.totals import HUNDRED, PERCENT, ZERO, percent_of, quantum

ASKED = "discount_asked"
# A discount given within the limit, past it once the items changed: asked of the owners.
HELD = "discount_held"


@dataclass(frozen=True)
class Counted:
    discount: DiscountView
    # What it discounts, and what it takes from that.
    base: Decimal
    taken: Decimal


def counted(shown: DealItems) -> list[Counted]:
    """The applied discounts counted against the limit, with what each discounts (an item's
    price × quantity, or the request's subtotal) and takes."""
    found = []
    for item in shown.items:
        applied = [d for d in item.discounts if d.state == APPLIED]
        for discount, taken in zip(applied, item.line.offs, strict=True):
            found.append(Counted(discount, item.line.gross, taken))
    on_deal = [d for d in shown.discounts if d.state == APPLIED]
    for discount, taken in zip(on_deal, shown.totals.deal_discounts, strict=True):
        found.append(Counted(discount, shown.totals.subtotal, taken))
    return [c for c in found if c.discount.limited]


def over(shown: DealItems, limit: Decimal) -> set[int | None]:
    """The managers whose counted discounts are past the limit: one of them takes more than
    `limit` percent of what it discounts, or together they take more than that of the subtotal
    (a percent may round up by half a minor unit)."""
    mine: dict[int | None, list[Counted]] = defaultdict(list)
    for found in counted(shown):
        mine[found.discount.by_id].append(found)
    return {by for by, found in mine.items() if _past(found, limit, shown)}


def _past(found: list[Counted], limit: Decimal, shown: DealItems) -> bool:
    if any(percent_of(c.discount.off, c.base) > limit for c in found):
        return True
    if len(found) < 2:
        return False
    percents = sum(1 for c in found if c.discount.kind == PERCENT)
    slack = quantum(shown.currency) / 2 * percents
    taken = sum((c.taken for c in found), ZERO)
    return (taken - slack) * HUNDRED > limit * shown.totals.subtotal


async def hold_over_limit(session: AsyncSession, shown: DealItems, by: int, now: datetime) -> bool:
    """After the items changed (by the user `by`): the discounts of a manager now past the
    limit each wait for the owners again, who are asked; a manager who did not make the change
    is told. Whether any did."""
    managers = over(shown, (await sales.current(session)).manager_limit)
    if not managers:
        return False
    on_items = (d for item in shown.items for d in item.discounts)
    held = [
        d
        for d in (*shown.discounts, *on_items)
        if d.state == APPLIED and d.limited and d.by_id in managers
    ]
    await session.execute(
        update(Discount)
        .where(Discount.id.in_([d.discount_id for d in held]))
        .values(state=PENDING)
    )
    for discount in held:
        target = ON_DEAL if discount.item_id is None else str(discount.item_id)
        events.record(
            session, shown.deal_id, discount.by_id, HELD, now, target, event_value(discount.off)
        )
        await ask_owners(session, shown.deal_id, discount.discount_id, now, again=True)
    for manager in await session.scalars(
        select(User).where(User.id.in_(managers - {by}), User.blocked.is_(False))
    ):
        outbox.enqueue(
            session,
            chat_id=manager.tg_id,
            kind=HELD,
            payload={"deal_id": shown.deal_id, "user_id": manager.id},
            # A discount is held once at most: the first of theirs names the notice.
            dedupe_key=f"{HELD}:{min(d.discount_id for d in held if d.by_id == manager.id)}",
            now=now,
        )
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


async def recheck(session: AsyncSession, deal_id: int, by: int, now: datetime) -> DealItems:
    """The request's items as they are now, once the managers' discounts are within the limit."""
    shown = await deal_items(session, deal_id)
    if await hold_over_limit(session, shown, by, now):
        await session.flush()
        shown = await deal_items(session, deal_id)
    return shown
