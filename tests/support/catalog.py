"""Categories, products and measure sets written straight to the database, and the shop the
items and discounts tests act in: two owners, a manager with a deal, another manager."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import Actor, actor_of
from services.catalog import search_text
from services.clock import ManualClock
from services.db.catalog import Category, DealItem, DealMeasure, Discount, MeasureSet, Product
from services.db.deals import Deal, Event
from tests.support.seed import add_user, deal_for

NOW = datetime(2026, 3, 1, tzinfo=UTC)
ROOM_INPUTS = [
    {"key": "length", "names": {"en": "Length", "az": "Uzunluq", "ru": "Длина"}, "unit": "m"},
    {"key": "width", "names": {"en": "Width", "az": "En", "ru": "Ширина"}, "unit": "m"},
]
# Laminate by the room: a tenth more for waste, in whole square metres; underlay as measured;
# skirting round the walls.
LAMINATE = "ceil(length * width * 1.1)"
UNDERLAY = "length * width"
SKIRTING = "2 * (length + width)"


def names(en: str, az: str | None = None, ru: str | None = None) -> dict[str, str]:
    return {"en": en, "az": az or en, "ru": ru or en}


async def category(
    session: AsyncSession, named: dict[str, str], position: int, deleted_at: datetime | None = None
) -> Category:
    row = Category(names=named, position=position, deleted_at=deleted_at)
    session.add(row)
    await session.commit()
    return row


async def room(session: AsyncSession, deleted_at: datetime | None = None) -> MeasureSet:
    row = MeasureSet(
        names=names("Room", "Otaq", "Комната"), inputs=ROOM_INPUTS, deleted_at=deleted_at
    )
    session.add(row)
    await session.commit()
    return row


async def product(
    session: AsyncSession,
    now: datetime,
    named: dict[str, str] | str,
    price: str,
    unit: str = "piece",
    *,
    code: str | None = None,
    vat: str | None = None,
    category_id: int | None = None,
    measure_set_id: int | None = None,
    formula: str | None = None,
    stock: str | None = None,
    active: bool = True,
) -> Product:
    """A product, committed; a plain string names it the same in every language."""
    named = names(named) if isinstance(named, str) else named
    row = Product(
        code=code,
        names=named,
        search=search_text(named, code),
        category_id=category_id,
        unit=unit,
        price=Decimal(price),
        vat_rate=Decimal(vat) if vat is not None else None,
        stock=Decimal(stock) if stock is not None else None,
        active=active,
        measure_set_id=measure_set_id,
        formula=formula,
        created_at=now,
        updated_at=now,
        version=1,
    )
    session.add(row)
    await session.commit()
    return row


@dataclass(frozen=True)
class Shop:
    owner: Actor
    second_owner: Actor
    manager: Actor
    other: Actor
    deal_id: int


async def shop(session: AsyncSession, clock: ManualClock, locale: str = "en") -> Shop:
    """Owners U1 and U2, managers U10 (with deal 1, version 1, no amount) and U11, all reading
    `locale`."""
    owner = await add_user(session, 1, "owner", clock)
    second = await add_user(session, 2, "owner", clock)
    manager = await add_user(session, 10, "manager", clock)
    other = await add_user(session, 11, "manager", clock)
    deal = await deal_for(session, manager, clock)
    return Shop(
        actor_of(owner, locale),
        actor_of(second, locale),
        actor_of(manager, locale),
        actor_of(other, locale),
        deal.id,
    )


async def deal_state(session: AsyncSession, deal_id: int) -> tuple[Decimal | None, int]:
    """The deal's amount and version as stored."""
    amount, version = (
        await session.execute(select(Deal.amount, Deal.version).where(Deal.id == deal_id))
    ).one()
    return amount, version


async def close(session: AsyncSession, deal_id: int, now: datetime) -> None:
    await session.execute(update(Deal).where(Deal.id == deal_id).values(closed_at=now))
    await session.commit()


async def history(
    session: AsyncSession, deal_id: int, *kinds: str
) -> list[tuple[str, int | None, str | None, str | None]]:
    """The deal's events of these kinds, in order: kind, who, from, to."""
    rows = await session.execute(
        select(Event.kind, Event.actor_id, Event.from_value, Event.to_value)
        .where(Event.deal_id == deal_id, Event.kind.in_(kinds))
        .order_by(Event.id)
    )
    return [tuple(r) for r in rows.all()]  # type: ignore[misc]


async def items_of(
    session: AsyncSession, deal_id: int
) -> list[tuple[int, int | None, Decimal, str, Decimal, Decimal | None]]:
    """The deal's item rows: product, measure, quantity, unit, price, VAT rate."""
    rows = await session.execute(
        select(
            DealItem.product_id,
            DealItem.measure_id,
            DealItem.quantity,
            DealItem.unit,
            DealItem.price,
            DealItem.vat_rate,
        )
        .where(DealItem.deal_id == deal_id)
        .order_by(DealItem.id)
    )
    return [tuple(r) for r in rows.all()]  # type: ignore[misc]


async def measures_of(session: AsyncSession, deal_id: int) -> list[tuple[int, dict[str, str]]]:
    rows = await session.execute(
        select(DealMeasure.set_id, DealMeasure.values)
        .where(DealMeasure.deal_id == deal_id)
        .order_by(DealMeasure.id)
    )
    return [(set_id, dict(values)) for set_id, values in rows.all()]


async def discounts_of(
    session: AsyncSession, deal_id: int
) -> list[tuple[int | None, str, Decimal, int | None, int | None, str]]:
    """The deal's discount rows: item, kind, value, by, rule, state."""
    rows = await session.execute(
        select(
            Discount.item_id,
            Discount.kind,
            Discount.value,
            Discount.by_id,
            Discount.rule_id,
            Discount.state,
        )
        .where(Discount.deal_id == deal_id)
        .order_by(Discount.id)
    )
    return [tuple(r) for r in rows.all()]  # type: ignore[misc]
