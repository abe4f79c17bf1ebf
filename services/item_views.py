"""A deal's items as the card and the items screen show them: each line with its product, the
measurements typed, the discounts and who gave them, and the totals."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import sales
from services.catalog import MeasureInput, set_view
from services.company import currency_of
from services.db.catalog import DealItem, DealMeasure, Discount, MeasureSet, Product
from services.db.rules import Rule
from services.db.users import User
from services.totals import Line, LineTotal, Off, Totals, compute
from services.users import full_name

APPLIED, PENDING, REFUSED = "applied", "pending", "refused"


@dataclass(frozen=True)
class DiscountView:
    discount_id: int
    item_id: int | None
    kind: str
    value: Decimal
    by_id: int | None
    # A person's name, or the rule's.
    by: str | None
    rule: str | None
    state: str
    # Counted against the managers' limit (services/discount_limits.py).
    limited: bool = False

    @property
    def off(self) -> Off:
        return Off(self.kind, self.value)


@dataclass(frozen=True)
class MeasureView:
    measure_id: int
    set_id: int
    names: Mapping[str, str]
    inputs: tuple[MeasureInput, ...]
    values: Mapping[str, Decimal]


@dataclass(frozen=True)
class ItemView:
    item_id: int
    product_id: int
    names: Mapping[str, str]
    code: str | None
    unit: str
    quantity: Decimal
    price: Decimal
    vat_rate: Decimal | None
    measure_id: int | None
    line: LineTotal
    discounts: tuple[DiscountView, ...]


@dataclass(frozen=True)
class DealItems:
    deal_id: int
    items: tuple[ItemView, ...]
    measures: tuple[MeasureView, ...]
    # On the whole deal; pending ones (waiting for the owner) are listed, not counted.
    discounts: tuple[DiscountView, ...]
    totals: Totals
    currency: str

    def item(self, item_id: int) -> ItemView | None:
        return next((i for i in self.items if i.item_id == item_id), None)

    def measure(self, measure_id: int) -> MeasureView | None:
        return next((m for m in self.measures if m.measure_id == measure_id), None)

    @property
    def pending(self) -> tuple[DiscountView, ...]:
        on_items = (d for i in self.items for d in i.discounts)
        return tuple(d for d in (*self.discounts, *on_items) if d.state == PENDING)


async def deal_items(
    session: AsyncSession, deal_id: int, leaving: Collection[int] = ()
) -> DealItems:
    """Everything on one deal, its totals counted as the deal's amount is; without the
    discounts `leaving`, to count what the deal would be without them."""
    rows = (
        await session.execute(
            select(DealItem, Product.names, Product.code)
            .join(Product, Product.id == DealItem.product_id)
            .where(DealItem.deal_id == deal_id)
            .order_by(DealItem.id)
        )
    ).all()
    offs = [d for d in await _discounts(session, deal_id) if d.discount_id not in leaving]
    measures = (
        await session.execute(
            select(DealMeasure, MeasureSet)
            .join(MeasureSet, MeasureSet.id == DealMeasure.set_id)
            .where(DealMeasure.deal_id == deal_id)
            .order_by(DealMeasure.id)
        )
    ).all()
    # The deal's items share one VAT mode, kept from when they were added.
    vat_included = rows[0][0].vat_included if rows else (await sales.current(session)).vat_included
    currency = currency_of(session)
    lines = [
        Line(item.id, item.price, item.quantity, item.vat_rate, _applied(offs, item.id))
        for item, _names, _code in rows
    ]
    on_deal = tuple(d for d in offs if d.item_id is None)
    totals = compute(lines, [d.off for d in on_deal if d.state == APPLIED], vat_included, currency)
    items = tuple(
        ItemView(
            item_id=item.id,
            product_id=item.product_id,
            names=dict(names),
            code=code,
            unit=item.unit,
            quantity=item.quantity,
            price=item.price,
            vat_rate=item.vat_rate,
            measure_id=item.measure_id,
            line=line,
            discounts=tuple(d for d in offs if d.item_id == item.id),
        )
        for (item, names, code), line in zip(rows, totals.lines, strict=True)
    )
    shown = tuple(
        MeasureView(
            m.id,
            m.set_id,
            dict(kind.names),
            set_view(kind).inputs,
            {k: Decimal(v) for k, v in m.values.items()},
        )
        for m, kind in measures
    )
    return DealItems(deal_id, items, shown, on_deal, totals, currency)


def _applied(offs: Sequence[DiscountView], item_id: int) -> tuple[Off, ...]:
    return tuple(d.off for d in offs if d.item_id == item_id and d.state == APPLIED)


async def _discounts(session: AsyncSession, deal_id: int) -> list[DiscountView]:
    rows = await session.execute(
        select(Discount, User, Rule.name)
        .outerjoin(User, User.id == Discount.by_id)
        .outerjoin(Rule, Rule.id == Discount.rule_id)
        .where(Discount.deal_id == deal_id, Discount.state != REFUSED)
        .order_by(Discount.id)
    )
    return [
        DiscountView(
            d.id,
            d.item_id,
            d.kind,
            d.value,
            d.by_id,
            full_name(user) if user else None,
            rule,
            d.state,
            d.limited,
        )
        for d, user, rule in rows.all()
    ]
