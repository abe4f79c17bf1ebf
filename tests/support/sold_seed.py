"""Items on the report week's deals (tests/support/reports_seed.py), for what was sold.

Won in the week: deal 1 (Anna, Wed 25 Feb) and deal 9 (Bako, Tue 24 Feb). Deal 3 is lost in
the week and deal 13 won the week before: their items are not sold in the week. Prices include
VAT (the default). Every amount is derived in the comments."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.catalog import Category, DealItem, Discount, Product
from services.db.deals import Deal
from services.reports.export_sold import SoldLabels
from services.totals import AMOUNT, PERCENT
from tests.support.reports_seed import ANNA, NEW, SINCE, WON, Seed, local

WINDOWS, DOORS = 1, 2
WINDOW, GLASS, DOOR, FITTING = 1, 2, 3, 4
PRODUCTS = {
    # id: (code, names, category, unit, price, VAT)
    WINDOW: ("W-1", {"en": "Window", "az": "Pəncərə", "ru": "Окно"}, WINDOWS, "piece", "300"),
    GLASS: ("G-1", {"en": "Glass", "ru": "Стекло"}, WINDOWS, "m2", "45.50"),
    DOOR: ("D-1", {"en": "Door", "az": "Qapı", "ru": "Дверь"}, DOORS, "piece", "250"),
    FITTING: (None, {"en": "Fitting", "ru": "Монтаж"}, None, "h", "20"),
}
# Deal 1 (won 709.25):
#   Window 2 × 300 = 600, its own 10% = 60: 540; Glass 3.5 × 45.50 = 159.25; Fitting 3 × 20 = 60.
#   Left 759.25; the deal's 50 off is shared as 540, 159.25 and 60 are to 759.25: 35.5614…,
#   10.4873…, 3.9512… → 35.56, 10.48, 3.95 (49.99), the cent left over to the largest
#   remainder, Glass: 10.49. Paid: 504.44 + 148.76 + 56.05 = 709.25.
# Deal 9 (won 522.50): Door 250, Window 300; the deal's 5% of 550 = 27.50, shared 12.50 and
#   15.00. Paid: 237.50 + 285.00.
DEAL_1_AMOUNT, DEAL_9_AMOUNT = Decimal("709.25"), Decimal("522.50")
# Names as plain as can be told apart, for the sheets' tests.
SOLD_LABELS = SoldLabels(
    items_sheet="Items",
    sold_sheet="Sold",
    item_headers=[f"i{n}" for n in range(12)],
    sold_headers=[f"s{n}" for n in range(8)],
    everyone="ALL",
    product="P",
    category="C",
    product_name=lambda names: names["ru"],
    category_name=lambda names: "-" if names is None else names["en"],
    unit=str.upper,
)


def _at(day: int) -> datetime:
    return local(day, 9)


async def catalog(session: AsyncSession) -> None:
    session.add_all(
        [
            Category(names={"en": "Windows", "ru": "Окна"}, position=1),
            Category(names={"en": "Doors", "ru": "Двери"}, position=2),
        ]
    )
    await session.flush()
    for product_id, (code, names, category, unit, price) in PRODUCTS.items():
        product = Product(
            code=code,
            names=names,
            search=names["en"].casefold(),
            category_id=category,
            unit=unit,
            price=Decimal(price),
            vat_rate=Decimal(18),
            active=True,
            created_at=SINCE,
            updated_at=SINCE,
            version=1,
        )
        session.add(product)
        await session.flush()
        assert product.id == product_id


async def item(
    session: AsyncSession, deal_id: int, product_id: int, quantity: str, *offs: tuple[str, str]
) -> int:
    _code, _names, _category, unit, price = PRODUCTS[product_id]
    row = DealItem(
        deal_id=deal_id,
        product_id=product_id,
        quantity=Decimal(quantity),
        unit=unit,
        price=Decimal(price),
        vat_rate=Decimal(18),
        vat_included=True,
        created_at=SINCE,
    )
    session.add(row)
    await session.flush()
    for kind, value in offs:
        discount(session, deal_id, row.id, kind, value)
    return row.id


def discount(
    session: AsyncSession,
    deal_id: int,
    item_id: int | None,
    kind: str,
    value: str,
    state: str = "applied",
) -> None:
    session.add(
        Discount(
            deal_id=deal_id,
            item_id=item_id,
            kind=kind,
            value=Decimal(value),
            by_id=ANNA,
            state=state,
            created_at=SINCE,
        )
    )


async def sold_week(session: AsyncSession) -> None:
    """After reports_seed.week: the items, discounts and amounts described above."""
    await catalog(session)
    await item(session, 1, WINDOW, "2", (PERCENT, "10"))
    glass = await item(session, 1, GLASS, "3.5")
    await item(session, 1, FITTING, "3")
    discount(session, 1, None, AMOUNT, "50")
    # Neither is counted: one waits for the owner, the other was refused.
    discount(session, 1, None, PERCENT, "20", state="pending")
    discount(session, 1, glass, AMOUNT, "30", state="refused")
    await item(session, 9, DOOR, "1")
    await item(session, 9, WINDOW, "1")
    discount(session, 9, None, PERCENT, "5")
    # Lost in the week, and won the week before.
    await item(session, 3, WINDOW, "4")
    earlier = await Seed(session, customer=20).deal(
        _at(16), "web", ANNA, moves=((NEW, WON, _at(20)),), closed=_at(20), amount="250"
    )
    await item(session, earlier, DOOR, "1")
    for deal_id, amount in ((1, DEAL_1_AMOUNT), (9, DEAL_9_AMOUNT)):
        await session.execute(update(Deal).where(Deal.id == deal_id).values(amount=amount))
    await session.commit()
