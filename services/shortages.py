"""What a deal's items need of the stock beyond what is available to it: a product's stock less
what the other deals hold (services/stock.py). A person moving a deal beyond it is asked first
(`BeyondStock`); a hold made beyond it all the same is told to the deal's manager and the
owners, but not to whoever made it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import outbox
from services.access import OWNER
from services.db.catalog import DealItem, Product
from services.db.deals import Deal, Stage
from services.db.stock import Reservation
from services.db.users import User
from services.errors import Conflict, ErrorCode
from services.stages import OPEN

ZERO = Decimal(0)
# The outbox's notice of a hold beyond the stock.
NOTICE = "stock_short"


@dataclass(frozen=True)
class Shortage:
    """A product a deal needs more of than the stock available to it."""

    product_id: int
    names: dict[str, str]
    unit: str
    needed: Decimal
    available: Decimal


class BeyondStock(Conflict):
    """Moving the deal (at `version`) into the stage would hold more than is available: the
    person moving it is asked first."""

    code = ErrorCode.BEYOND_STOCK

    def __init__(
        self, deal_id: int, version: int, stage_id: int, shortages: list[Shortage]
    ) -> None:
        super().__init__()
        self.deal_id = deal_id
        self.version = version
        self.stage_id = stage_id
        self.shortages = shortages


async def needs(session: AsyncSession, deal_id: int) -> dict[int, Decimal]:
    """What the deal's items add up to, of each product whose stock is counted."""
    rows = await session.execute(
        select(DealItem.product_id, func.sum(DealItem.quantity))
        .join(Product, Product.id == DealItem.product_id)
        .where(DealItem.deal_id == deal_id, Product.stock.is_not(None))
        .group_by(DealItem.product_id)
    )
    return {product_id: Decimal(total) for product_id, total in rows.all()}


async def held(session: AsyncSession, deal_id: int) -> dict[int, Decimal]:
    """What the deal holds of each product."""
    rows = await session.execute(
        select(Reservation.product_id, Reservation.quantity).where(Reservation.deal_id == deal_id)
    )
    return {product_id: Decimal(quantity) for product_id, quantity in rows.all()}


async def shortages(session: AsyncSession, deal_id: int) -> list[Shortage]:
    """What the deal's items need beyond the stock available to it, of the products it would
    hold more of than it does: their stock less the other deals' holds is below the need."""
    needed, holding = await needs(session, deal_id), await held(session, deal_id)
    grown = {p: q for p, q in needed.items() if q > holding.get(p, ZERO)}
    if not grown:
        return []
    elsewhere = await session.execute(
        select(Reservation.product_id, func.sum(Reservation.quantity))
        .where(Reservation.product_id.in_(list(grown)), Reservation.deal_id != deal_id)
        .group_by(Reservation.product_id)
    )
    others = {product_id: Decimal(total) for product_id, total in elsewhere.all()}
    products = await session.execute(
        select(Product.id, Product.names, Product.unit, Product.stock)
        .where(Product.id.in_(list(grown)))
        .order_by(Product.id)
    )
    found = []
    for product_id, names, unit, stock in products.all():
        if stock is None:
            continue  # no longer counted since the items were read
        available = stock - others.get(product_id, ZERO)
        if available < grown[product_id]:
            found.append(Shortage(product_id, dict(names), unit, grown[product_id], available))
    return found


async def entering(session: AsyncSession, deal_id: int, stage: Stage) -> list[Shortage]:
    """What moving the deal into `stage` would hold beyond the stock (none unless it reserves)."""
    if stage.kind != OPEN or not stage.reserves:
        return []
    return await shortages(session, deal_id)


async def notices(
    session: AsyncSession, deal_id: int, short: list[Shortage], by: int | None, now: datetime
) -> list[outbox.QueuedRow]:
    """The deal's manager and the owners, but not the user `by` (None: a rule did it), are
    told of a hold beyond the stock, with its figures as they were then; once per version of
    the deal (each change makes one)."""
    if not short:
        return []
    manager_id, version = (
        await session.execute(select(Deal.manager_id, Deal.version).where(Deal.id == deal_id))
    ).one()
    people = await session.scalars(
        select(User)
        .where(
            or_(User.role == OWNER, User.id == manager_id),
            User.blocked.is_(False),
            User.id != (by or 0),
        )
        .order_by(User.id)
    )
    payload: dict[str, object] = {
        "deal_id": deal_id,
        "short": [[s.product_id, str(s.needed), str(s.available)] for s in short],
    }
    if by is not None:
        payload["user_id"] = by
    return [
        outbox.queued(
            chat_id=person.tg_id,
            kind=NOTICE,
            payload=payload,
            dedupe_key=f"{NOTICE}:{deal_id}:v{version}:{person.id}",
            now=now,
        )
        for person in people.all()
    ]
