"""What was sold in a period: the items of the deals won in it (closed in the period, at a won
stage), each line counted at what is paid for it, as the deal's amount counts it
(services.totals.compute: its price × quantity less its own discounts and its share of the
deal's), then ranked by product, by category and per manager.

Every won deal's items are read in one query and their discounts in another, whatever the
number of deals; compute() then runs on each deal's rows in Python."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.company import currency_of
from services.db.catalog import Category, DealItem, Discount, Product
from services.db.deals import Deal, Stage
from services.db.users import User
from services.item_views import APPLIED
from services.reports.periods import Period
from services.reports.queries import closed_in
from services.totals import ZERO, Line, LineTotal, Off, compute
from services.users import name_of

# What the report shows; the export lists every product and category.
TOP_PRODUCTS = 5
TOP_CATEGORIES = 3


@dataclass(frozen=True)
class SoldLine:
    """One item of a won deal, with its product and category as the catalog has them now."""

    deal_id: int
    closed: datetime
    manager_id: int | None
    manager: str | None
    item_id: int
    product_id: int
    code: str | None
    names: Mapping[str, str]
    category_id: int | None
    category_names: Mapping[str, str] | None
    quantity: Decimal
    unit: str
    price: Decimal
    vat_rate: Decimal | None
    total: LineTotal
    vat_included: bool

    @property
    def discount(self) -> Decimal:
        """The item's own discounts and its share of the deal's."""
        return self.total.discount + self.total.shared

    @property
    def amount(self) -> Decimal:
        """What is paid for the line, VAT included, as the deal's amount counts it."""
        return self.total.paid(self.vat_included)


@dataclass(frozen=True)
class ProductSold:
    """A product sold in one unit (an item keeps the unit it was added in)."""

    product_id: int
    code: str | None
    names: Mapping[str, str]
    unit: str
    quantity: Decimal
    amount: Decimal


@dataclass(frozen=True)
class CategorySold:
    """None: products without a category."""

    category_id: int | None
    names: Mapping[str, str] | None
    amount: Decimal


@dataclass(frozen=True)
class Ranking:
    """Every product and category sold, the largest first."""

    by_amount: tuple[ProductSold, ...]
    by_quantity: tuple[ProductSold, ...]
    categories: tuple[CategorySold, ...]
    amount: Decimal


@dataclass(frozen=True)
class ManagerSold:
    user_id: int
    name: str
    ranking: Ranking


@dataclass(frozen=True)
class Sold:
    currency: str
    overall: Ranking
    # Each manager with a won deal that had items, the one who sold most first.
    managers: tuple[ManagerSold, ...]

    @property
    def empty(self) -> bool:
        return not self.overall.by_amount


async def sold(session: AsyncSession, period: Period) -> Sold:
    return summarise(await lines(session, period), currency_of(session))


def summarise(found: Sequence[SoldLine], currency: str) -> Sold:
    mine: dict[int, list[SoldLine]] = defaultdict(list)
    for line in found:
        if line.manager_id is not None:
            mine[line.manager_id].append(line)
    managers = [
        ManagerSold(user_id, theirs[0].manager or "", rank(theirs))
        for user_id, theirs in mine.items()
    ]
    managers.sort(key=lambda m: (-m.ranking.amount, m.name.casefold(), m.user_id))
    return Sold(currency, rank(found), tuple(managers))


def rank(found: Iterable[SoldLine]) -> Ranking:
    products: dict[tuple[int, str], ProductSold] = {}
    categories: dict[int | None, CategorySold] = {}
    total = ZERO
    for line in found:
        key = (line.product_id, line.unit)
        was = products.get(key)
        products[key] = ProductSold(
            line.product_id,
            line.code,
            line.names,
            line.unit,
            (was.quantity if was else ZERO) + line.quantity,
            (was.amount if was else ZERO) + line.amount,
        )
        before = categories.get(line.category_id)
        categories[line.category_id] = CategorySold(
            line.category_id,
            line.category_names,
            (before.amount if before else ZERO) + line.amount,
        )
        total += line.amount
    listed = list(products.values())
    return Ranking(
        by_amount=tuple(sorted(listed, key=lambda p: (-p.amount, -p.quantity, p.product_id))),
        by_quantity=tuple(sorted(listed, key=lambda p: (-p.quantity, -p.amount, p.product_id))),
        categories=tuple(
            sorted(
                categories.values(),
                key=lambda c: (-c.amount, c.category_id is None, c.category_id or 0),
            )
        ),
        amount=total,
    )


def won_in(period: Period) -> ColumnElement[bool]:
    """Deals won during the period, as the report's outcomes count them."""
    return and_(closed_in(period), Stage.kind == "won")


async def lines(session: AsyncSession, period: Period) -> list[SoldLine]:
    """The items of the deals won in the period, by when each deal was won."""
    rows = (
        await session.execute(
            select(
                DealItem,
                Deal.closed_at,
                Deal.manager_id,
                User.first_name,
                User.last_name,
                User.tg_id,
                Product.names,
                Product.code,
                Product.category_id,
                Category.names,
            )
            .join(Deal, Deal.id == DealItem.deal_id)
            .join(Stage, Stage.id == Deal.stage_id)
            .join(Product, Product.id == DealItem.product_id)
            .outerjoin(Category, Category.id == Product.category_id)
            .outerjoin(User, User.id == Deal.manager_id)
            .where(won_in(period))
            .order_by(Deal.closed_at, Deal.id, DealItem.id)
        )
    ).all()
    if not rows:
        return []
    on_items, on_deals = await _discounts(session, period)
    currency = currency_of(session)
    by_deal: dict[int, list[Line]] = defaultdict(list)
    # Each deal's items share one VAT mode, kept from when they were added.
    vat_included: dict[int, bool] = {}
    for item, *_rest in rows:
        by_deal[item.deal_id].append(
            Line(item.id, item.price, item.quantity, item.vat_rate, tuple(on_items[item.id]))
        )
        vat_included.setdefault(item.deal_id, item.vat_included)
    counted: dict[int, LineTotal] = {}
    for deal_id, deal_lines in by_deal.items():
        totals = compute(deal_lines, on_deals[deal_id], vat_included[deal_id], currency)
        counted.update((t.key, t) for t in totals.lines)
    found = []
    for item, closed, manager_id, first, last, tg_id, names, code, category_id, category in rows:
        assert closed is not None  # won_in holds only closed deals
        found.append(
            SoldLine(
                deal_id=item.deal_id,
                closed=closed,
                manager_id=manager_id,
                manager=None if tg_id is None else name_of(first, last, tg_id),
                item_id=item.id,
                product_id=item.product_id,
                code=code,
                names=dict(names),
                category_id=category_id,
                category_names=None if category is None else dict(category),
                quantity=item.quantity,
                unit=item.unit,
                price=item.price,
                vat_rate=item.vat_rate,
                total=counted[item.id],
                vat_included=vat_included[item.deal_id],
            )
        )
    return found


async def _discounts(
    session: AsyncSession, period: Period
) -> tuple[dict[int, list[Off]], dict[int, list[Off]]]:
    """The discounts counted on the period's won deals: by item, and on whole deals by deal, each
    in the order given, as the deal's amount applies them."""
    won = select(Deal.id).join(Stage, Stage.id == Deal.stage_id).where(won_in(period))
    rows = await session.execute(
        select(Discount.deal_id, Discount.item_id, Discount.kind, Discount.value)
        .where(Discount.deal_id.in_(won), Discount.state == APPLIED)
        .order_by(Discount.id)
    )
    on_items: dict[int, list[Off]] = defaultdict(list)
    on_deals: dict[int, list[Off]] = defaultdict(list)
    for deal_id, item_id, kind, value in rows.all():
        if item_id is None:
            on_deals[deal_id].append(Off(kind, value))
        else:
            on_items[item_id].append(Off(kind, value))
    return on_items, on_deals
