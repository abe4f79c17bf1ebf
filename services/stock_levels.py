"""/stock: the products whose stock is counted and running low, with what the deals hold.

Low means a fifth of the stock or less is available (its stock less what the deals hold);
out means none is. A share of the stock, not a number of units, since units differ (pieces,
square metres, hours) and a per-product threshold would be one more thing to keep."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import Actor, require_staff
from services.db.catalog import Product
from services.db.stock import Reservation

LOW_SHARE = Decimal("0.2")
PAGE = 10
ZERO = Decimal(0)


@dataclass(frozen=True)
class Level:
    product_id: int
    names: dict[str, str]
    unit: str
    stock: Decimal
    reserved: Decimal

    @property
    def available(self) -> Decimal:
        return self.stock - self.reserved

    @property
    def out(self) -> bool:
        return self.available <= ZERO


@dataclass(frozen=True)
class LevelsPage:
    levels: list[Level]
    page: int
    pages: int


def is_low(stock: Decimal, reserved: Decimal) -> bool:
    return stock - reserved <= stock * LOW_SHARE


async def low(session: AsyncSession, actor: Actor, page: int) -> LevelsPage:
    """The active products running low, those out first (the most short first), then by the
    share available; a page of them."""
    require_staff(actor)
    held = (
        select(Reservation.product_id, func.sum(Reservation.quantity).label("reserved"))
        .group_by(Reservation.product_id)
        .subquery()
    )
    rows = await session.execute(
        select(Product.id, Product.stock, held.c.reserved)
        .outerjoin(held, held.c.product_id == Product.id)
        .where(Product.active.is_(True), Product.stock.is_not(None))
    )
    found = {
        product_id: (Decimal(stock), Decimal(reserved or 0))
        for product_id, stock, reserved in rows.all()
        if is_low(Decimal(stock), Decimal(reserved or 0))
    }

    def order(product_id: int) -> tuple[bool, Decimal, int]:
        stock, reserved = found[product_id]
        available = stock - reserved
        share = available if available <= ZERO else available / stock
        return available > ZERO, share, product_id

    ranked = sorted(found, key=order)
    pages = max(1, -(-len(ranked) // PAGE))
    page = min(max(page, 0), pages - 1)
    shown = ranked[page * PAGE : (page + 1) * PAGE]
    named = await session.execute(
        select(Product.id, Product.names, Product.unit).where(Product.id.in_(shown))
    )
    about = {product_id: (dict(names), unit) for product_id, names, unit in named.all()}
    levels = [Level(p, *about[p], *found[p]) for p in shown]
    return LevelsPage(levels, page, pages)
