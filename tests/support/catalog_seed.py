"""Products and a deal's items written straight to the database, for the tests of rules' discounts
and of a deal's history. Nothing here counts the deal's amount: what is tested does."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.db.catalog import DealItem, Discount, Product
from tests.support import catalog

SINCE = datetime(2026, 1, 5, tzinfo=UTC)
LAMINATE = {"en": "Laminate", "az": "Laminat", "ru": "Ламинат"}
SKIRTING = {"en": "Skirting", "ru": "Плинтус"}


async def product(
    session: AsyncSession, names: dict[str, str], price: str, unit: str = "piece"
) -> Product:
    return await catalog.product(session, SINCE, names, price, unit)


async def item(session: AsyncSession, deal_id: int, product: Product, quantity: str) -> DealItem:
    """A line at the product's price, unit and VAT rate, the price including VAT."""
    row = DealItem(
        deal_id=deal_id,
        product_id=product.id,
        quantity=Decimal(quantity),
        unit=product.unit,
        price=product.price,
        vat_rate=product.vat_rate,
        vat_included=True,
        created_at=SINCE,
    )
    session.add(row)
    await session.flush()
    return row


async def discount_by(
    session: AsyncSession, deal_id: int, user_id: int, kind: str, value: str
) -> Discount:
    """A person's discount on the whole deal, applied."""
    row = Discount(
        deal_id=deal_id,
        kind=kind,
        value=Decimal(value),
        by_id=user_id,
        state="applied",
        created_at=SINCE,
    )
    session.add(row)
    await session.flush()
    return row


async def floor(session: AsyncSession, deal_id: int) -> tuple[Product, Product]:
    """Laminate 12 m² at 25.00 and Skirting 10 pcs at 4.50 on the deal: 300 + 45 = 345.00."""
    laminate = await product(session, LAMINATE, "25.00", "m2")
    skirting = await product(session, SKIRTING, "4.50")
    await item(session, deal_id, laminate, "12")
    await item(session, deal_id, skirting, "10")
    await session.commit()
    return laminate, skirting
