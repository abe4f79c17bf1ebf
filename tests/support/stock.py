"""Stock for the tests of stock held by requests: a product's stock set, what the requests hold
read back, a stage marked as reserving by the owner."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select, update

from services.db.catalog import Product
from services.db.deals import Deal
from services.db.stock import Reservation
from tests.support.deals import OLGA
from tests.support.harness import Harness

EDITOR = 950
GLUE = 3  # laminate_and_underlay's skirting glue, counted in pieces


async def set_stock(tg: Harness, product_id: int, stock: str | None) -> None:
    async with tg.app.sessions() as session:
        value = None if stock is None else Decimal(stock)
        await session.execute(update(Product).where(Product.id == product_id).values(stock=value))
        await session.commit()


async def stock_of(tg: Harness, product_id: int) -> Decimal | None:
    async with tg.app.sessions() as session:
        return await session.scalar(select(Product.stock).where(Product.id == product_id))


async def held(tg: Harness) -> list[tuple[int, int, Decimal]]:
    """Every hold: deal, product, quantity."""
    async with tg.app.sessions() as session:
        rows = await session.execute(
            select(Reservation.deal_id, Reservation.product_id, Reservation.quantity).order_by(
                Reservation.deal_id, Reservation.product_id
            )
        )
        return [(d, p, Decimal(q)) for d, p, q in rows.all()]


async def holds(tg: Harness, deal_id: int = 1) -> bool:
    """Whether the request holds stock."""
    async with tg.app.sessions() as session:
        since = await session.scalar(select(Deal.reserved_at).where(Deal.id == deal_id))
    return since is not None


async def reserving(tg: Harness, stage_id: int = 3) -> None:
    """The owner marks the stage (Proposal unless told) as reserving stock."""
    await tg.press(OLGA, f"sg:s:{stage_id}:0", message_id=EDITOR)
