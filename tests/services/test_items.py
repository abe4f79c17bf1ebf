"""Items on a deal: added with a quantity or from measurements through the product's formula,
one set of measurements driving several items, quantities and measurements changed, items
removed; each on the deal's version, making the deal's amount the items' total, in its
history, and only by the deal's manager or an owner on an open deal."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import catalog_edit, discounts, items, pipeline, sales
from services.access import Actor
from services.clock import ManualClock
from services.db.catalog import DealItem, DealMeasure, Discount
from services.db.deals import Event
from services.db.outbox import Outbox
from services.db.users import User
from services.errors import AccessDenied, ErrorCode, InvalidInput, NotFound
from services.items import Screen
from services.pipeline import StaleCard
from tests.support.catalog import (
    LAMINATE,
    SKIRTING,
    UNDERLAY,
    Shop,
    close,
    deal_state,
    discounts_of,
    history,
    items_of,
    measures_of,
    names,
    product,
    room,
    shop,
)
from tests.support.seed import deal_for

D = Decimal


@dataclasses.dataclass(frozen=True)
class Goods:
    door: int
    handle: int
    laminate: int
    underlay: int
    skirting: int
    # A product of another measure set; one switched off.
    shelf: int
    retired: int
    room: int
    wall: int


@pytest.fixture
async def s(session: AsyncSession, clock: ManualClock) -> Shop:
    return await shop(session, clock)


@pytest.fixture
async def goods(session: AsyncSession, clock: ManualClock, s: Shop) -> Goods:
    now = clock.now()
    kind = (await room(session)).id
    wall = (await room(session)).id
    made = [
        await product(
            session, now, names("Oak door", "Palıd qapı"), "310.99", code="D-1", vat="18"
        ),
        await product(session, now, "Handle", "12.50"),
        await product(
            session,
            now,
            "Laminate",
            "25.50",
            "m2",
            vat="18",
            measure_set_id=kind,
            formula=LAMINATE,
        ),
        await product(
            session, now, "Underlay", "3.20", "m2", measure_set_id=kind, formula=UNDERLAY
        ),
        await product(session, now, "Skirting", "4", "m", measure_set_id=kind, formula=SKIRTING),
        await product(session, now, "Shelf", "40", measure_set_id=wall, formula="length"),
        await product(session, now, "Old door", "99", active=False),
    ]
    door, handle, laminate, underlay, skirting, shelf, retired = (p.id for p in made)
    return Goods(door, handle, laminate, underlay, skirting, shelf, retired, kind, wall)


def az(who: Actor) -> Actor:
    return dataclasses.replace(who, locale="az")


async def item_ids(session: AsyncSession, deal_id: int) -> list[int]:
    return list(
        await session.scalars(
            select(DealItem.id).where(DealItem.deal_id == deal_id).order_by(DealItem.id)
        )
    )


async def count(session: AsyncSession, table: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def test_an_item_with_a_quantity_copies_the_products_price_vat_and_unit(
    session: AsyncSession, clock: ManualClock, s: Shop, goods: Goods
) -> None:
    clock.advance(timedelta(hours=1))
    shown = await items.add(session, s.manager, s.deal_id, 1, goods.door, "2", clock.now())
    assert await items_of(session, s.deal_id) == [
        (goods.door, None, D("2.000"), "piece", D("310.99"), D("18.00"))
    ]
    # 2 × 310.99 = 621.98, VAT 18% within: 621.98 × 18/118 = 94.878… → 94.88.
    assert await deal_state(session, s.deal_id) == (D("621.98"), 2)
    assert (shown.version, shown.is_open) == (2, True)
    assert (shown.items.totals.total, shown.items.totals.vat) == (D("621.98"), D("94.88"))
    line = shown.items.items[0]
    assert (line.product_id, line.names["az"], line.code, line.quantity, line.price) == (
        goods.door,
        "Palıd qapı",
        "D-1",
        D("2.000"),
        D("310.99"),
    )
    assert await history(session, s.deal_id, "item", "amount") == [
        ("item", s.manager.user_id, None, f"{goods.door}:2"),
        ("amount", None, None, "621.98"),
    ]
    stamps = await session.scalars(select(Event.created_at).where(Event.deal_id == s.deal_id))
    assert set(stamps.all()) == {clock.now()}
    card = await pipeline.card(session, s.manager, s.deal_id)
    assert (card.amount, card.last_activity_at) == (D("621.98"), clock.now())
    assert card.items is not None and card.items.totals.total == D("621.98")

    shown = await items.add(session, s.manager, s.deal_id, 2, goods.handle, "1.5", clock.now())
    # 1.5 × 12.50 = 18.75 with no VAT: 640.73.
    assert await deal_state(session, s.deal_id) == (D("640.73"), 3)
    assert [i.line.gross for i in shown.items.items] == [D("621.98"), D("18.75")]
    assert [i.line.vat for i in shown.items.items] == [D("94.88"), D(0)]
    assert (await history(session, s.deal_id, "item", "amount"))[2:] == [
        ("item", s.manager.user_id, None, f"{goods.handle}:1.5"),
        ("amount", None, "621.98", "640.73"),
    ]
    # Nothing told to anyone.
    assert await count(session, Outbox) == 0


async def test_a_later_price_change_leaves_the_items_as_they_were(
    session: AsyncSession, clock: ManualClock, s: Shop, goods: Goods
) -> None:
    await items.add(session, s.manager, s.deal_id, 1, goods.door, "1", clock.now())
    await catalog_edit.edit(
        session, s.owner, goods.door, 1, clock.now(), price=D("350.00"), vat_rate=None, unit="set"
    )
    assert await items_of(session, s.deal_id) == [
        (goods.door, None, D("1.000"), "piece", D("310.99"), D("18.00"))
    ]
    shown = await items.screen(session, s.manager, s.deal_id)
    assert (shown.items.totals.total, shown.version) == (D("310.99"), 2)
    assert await deal_state(session, s.deal_id) == (D("310.99"), 2)
    # The same product added now has today's price.
    await items.add(session, s.manager, s.deal_id, 2, goods.door, "1", clock.now())
    assert (await items_of(session, s.deal_id))[1] == (
        goods.door,
        None,
        D("1.000"),
        "set",
        D("350.00"),
        None,
    )
    assert await deal_state(session, s.deal_id) == (D("660.99"), 3)


async def test_a_quantity_changed_then_the_item_removed(
    session: AsyncSession, clock: ManualClock, s: Shop, goods: Goods
) -> None:
    await items.add(session, s.manager, s.deal_id, 1, goods.door, "2", clock.now())
    await items.add(session, az(s.manager), s.deal_id, 2, goods.handle, "1,5", clock.now())
    door, handle = await item_ids(session, s.deal_id)
    shown = await items.set_quantity(session, az(s.manager), s.deal_id, 3, door, "3", clock.now())
    # 3 × 310.99 = 932.97, and 18.75.
    assert await deal_state(session, s.deal_id) == (D("951.72"), 4)
    assert shown.version == 4
    assert [q for _, _, q, *_ in await items_of(session, s.deal_id)] == [D(3), D("1.5")]
    session.add(
        Discount(
            deal_id=s.deal_id,
            item_id=handle,
            kind="percent",
            value=D(10),
            by_id=s.manager.user_id,
            state="applied",
            created_at=clock.now(),
        )
    )
    await session.commit()
    shown = await items.remove(session, s.owner, s.deal_id, 4, handle, clock.now())
    assert await items_of(session, s.deal_id) == [
        (goods.door, None, D("3.000"), "piece", D("310.99"), D("18.00"))
    ]
    assert await count(session, Discount) == 0
    assert await deal_state(session, s.deal_id) == (D("932.97"), 5)
    assert [i.item_id for i in shown.items.items] == [door]
    assert (await history(session, s.deal_id, "item", "amount"))[4:] == [
        ("item", s.manager.user_id, f"{goods.door}:2", f"{goods.door}:3"),
        ("amount", None, "640.73", "951.72"),
        ("item", s.owner.user_id, f"{goods.handle}:1.5", None),
        ("amount", None, "951.72", "932.97"),
    ]


async def test_the_same_quantity_again_changes_only_the_version(
    session: AsyncSession, clock: ManualClock, s: Shop, goods: Goods
) -> None:
    await items.add(session, s.manager, s.deal_id, 1, goods.door, "2", clock.now())
    (door,) = await item_ids(session, s.deal_id)
    await items.set_quantity(session, s.manager, s.deal_id, 2, door, "2.000", clock.now())
    assert await deal_state(session, s.deal_id) == (D("621.98"), 3)
    assert await history(session, s.deal_id, "amount") == [("amount", None, None, "621.98")]


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("0", "en"),
        ("-1", "en"),
        ("two", "en"),
        ("1.2345", "en"),
        ("1000000000", "en"),
        ("1,5", "en"),
        ("", "az"),
    ],
)
async def test_quantities_refused(
    session: AsyncSession, clock: ManualClock, s: Shop, goods: Goods, text: str, locale: str
) -> None:
    who = dataclasses.replace(s.manager, locale=locale)
    with pytest.raises(InvalidInput) as refused:
        await items.add(session, who, s.deal_id, 1, goods.handle, text, clock.now())
    assert refused.value.code == ErrorCode.QUANTITY
    assert await items_of(session, s.deal_id) == []
    assert await deal_state(session, s.deal_id) == (None, 1)


def test_quantities_read() -> None:
    assert items.parse_quantity("2", "en") == 2
    assert items.parse_quantity("1,25", "az") == D("1.25")
    assert items.parse_quantity("0,001", "ru") == D("0.001")
    assert items.parse_quantity("1 500", "ru") == 1500
    assert items.parse_quantity("999999999.999", "en") == D("999999999.999")
    assert items.item_value(7, D("2.500")) == "7:2.5"
    assert items.item_value(7, D("20.000")) == "7:20"
    assert items.item_value(7, None) is None


async def test_products_that_cannot_be_added_so(
    session: AsyncSession, clock: ManualClock, s: Shop, goods: Goods
) -> None:
    now = clock.now()
    with pytest.raises(InvalidInput) as measured:
        await items.add(session, s.manager, s.deal_id, 1, goods.laminate, "3", now)
    assert measured.value.code == ErrorCode.MEASURES_NEEDED
    with pytest.raises(InvalidInput) as plain:
        await items.add_measured(session, s.manager, s.deal_id, 1, goods.door, "4 x 3", now)
    assert plain.value.code == ErrorCode.MEASURES
    with pytest.raises(NotFound):
        await items.add(session, s.manager, s.deal_id, 1, goods.retired, "1", now)
    with pytest.raises(NotFound):
        await items.add(session, s.manager, s.deal_id, 1, 999, "1", now)
    assert await items_of(session, s.deal_id) == []
    assert await deal_state(session, s.deal_id) == (None, 1)
    # An owner sees a switched-off product and may still sell it.
    await items.add(session, s.owner, s.deal_id, 1, goods.retired, "1", now)
    assert await deal_state(session, s.deal_id) == (D("99.00"), 2)


async def test_measurements_drive_several_items(
    session: AsyncSession, clock: ManualClock, s: Shop, goods: Goods
) -> None:
    manager = az(s.manager)
    shown = await items.add_measured(
        session, manager, s.deal_id, 1, goods.laminate, "4,2 x 3,5", clock.now()
    )
    assert await measures_of(session, s.deal_id) == [
        (goods.room, {"length": "4.2", "width": "3.5"})
    ]
    (measure,) = [m.measure_id for m in shown.items.measures]
    assert shown.items.measures[0].values == {"length": D("4.2"), "width": D("3.5")}
    assert [i.key for i in shown.items.measures[0].inputs] == ["length", "width"]
    # ceil(4.2 × 3.5 × 1.1 = 16.17) = 17 m², × 25.50 = 433.50.
    assert await items_of(session, s.deal_id) == [
        (goods.laminate, measure, D("17.000"), "m2", D("25.50"), D("18.00"))
    ]
    assert await deal_state(session, s.deal_id) == (D("433.50"), 2)

    await items.add_on_measure(
        session, manager, s.deal_id, 2, goods.underlay, measure, clock.now()
    )
    await items.add_on_measure(
        session, manager, s.deal_id, 3, goods.skirting, measure, clock.now()
    )
    # Underlay 14.7 m² × 3.20 = 47.04; skirting 2 × (4.2 + 3.5) = 15.4 m × 4 = 61.60.
    assert await count(session, DealMeasure) == 1
    assert [(p, m, q) for p, m, q, *_ in await items_of(session, s.deal_id)] == [
        (goods.laminate, measure, D(17)),
        (goods.underlay, measure, D("14.7")),
        (goods.skirting, measure, D("15.4")),
    ]
    assert await deal_state(session, s.deal_id) == (D("542.14"), 4)

    shown = await items.set_measures(session, manager, s.deal_id, 4, measure, "5 x 4", clock.now())
    # ceil(22) = 22 × 25.50 = 561; 20 × 3.20 = 64; 18 × 4 = 72.
    assert [(p, q) for p, _, q, *_ in await items_of(session, s.deal_id)] == [
        (goods.laminate, D(22)),
        (goods.underlay, D(20)),
        (goods.skirting, D(18)),
    ]
    assert await measures_of(session, s.deal_id) == [(goods.room, {"length": "5", "width": "4"})]
    assert await deal_state(session, s.deal_id) == (D("697.00"), 5)
    assert shown.items.totals.total == D("697.00")
    assert (await history(session, s.deal_id, "item", "amount"))[-4:] == [
        ("item", s.manager.user_id, f"{goods.laminate}:17", f"{goods.laminate}:22"),
        ("item", s.manager.user_id, f"{goods.underlay}:14.7", f"{goods.underlay}:20"),
        ("item", s.manager.user_id, f"{goods.skirting}:15.4", f"{goods.skirting}:18"),
        ("amount", None, "542.14", "697.00"),
    ]
    # The same quantities from other measurements: only the measurements and the version.
    events = len(await history(session, s.deal_id, "item", "amount"))
    await items.set_measures(session, manager, s.deal_id, 5, measure, "4 x 5", clock.now())
    assert await measures_of(session, s.deal_id) == [(goods.room, {"length": "4", "width": "5"})]
    assert await deal_state(session, s.deal_id) == (D("697.00"), 6)
    assert len(await history(session, s.deal_id, "item", "amount")) == events


async def test_measurements_in_each_language(
    session: AsyncSession, clock: ManualClock, s: Shop, goods: Goods
) -> None:
    ru = dataclasses.replace(s.manager, locale="ru")
    await items.add_measured(session, ru, s.deal_id, 1, goods.underlay, "4,2 х 3,5", clock.now())
    await items.add_measured(
        session, s.manager, s.deal_id, 2, goods.underlay, "4.2 x 3.5", clock.now()
    )
    await items.add_measured(session, s.manager, s.deal_id, 3, goods.underlay, "2 3", clock.now())
    assert [q for _, _, q, *_ in await items_of(session, s.deal_id)] == [
        D("14.7"),
        D("14.7"),
        D(6),
    ]
    # Each typed set of measurements is its own.
    assert await count(session, DealMeasure) == 3
    for text in ("4,2 x 3,5", "4", "4 x 3 x 2", "0 x 3", "a x b"):
        with pytest.raises(InvalidInput) as refused:
            await items.add_measured(
                session, s.manager, s.deal_id, 4, goods.underlay, text, clock.now()
            )
        assert refused.value.code == ErrorCode.MEASURES, text
    assert await count(session, DealMeasure) == 3
    assert await deal_state(session, s.deal_id) == (D("113.28"), 4)


async def test_measurements_of_another_kind_or_deal_are_refused(
    session: AsyncSession, clock: ManualClock, s: Shop, goods: Goods
) -> None:
    now = clock.now()
    await items.add_measured(session, s.manager, s.deal_id, 1, goods.laminate, "4 x 3", now)
    (measure,) = await session.scalars(select(DealMeasure.id))
    with pytest.raises(InvalidInput) as other_kind:
        await items.add_on_measure(session, s.manager, s.deal_id, 2, goods.shelf, measure, now)
    assert other_kind.value.code == ErrorCode.MEASURES
    with pytest.raises(InvalidInput) as plain:
        await items.add_on_measure(session, s.manager, s.deal_id, 2, goods.door, measure, now)
    assert plain.value.code == ErrorCode.MEASURES
    manager = await session.get_one(User, s.manager.user_id)
    second = (await deal_for(session, manager, clock, name="Bako", phone="+994551112233")).id
    with pytest.raises(NotFound):
        await items.add_on_measure(session, s.manager, second, 1, goods.underlay, measure, now)
    with pytest.raises(NotFound):
        await items.set_measures(session, s.manager, second, 1, measure, "1 x 1", now)
    (laminate,) = await item_ids(session, s.deal_id)
    with pytest.raises(NotFound):
        await items.remove(session, s.manager, second, 1, laminate, now)
    with pytest.raises(NotFound):
        await items.set_quantity(session, s.manager, second, 1, laminate, "1", now)
    # A measured item's quantity comes from its measurements only.
    with pytest.raises(InvalidInput) as typed:
        await items.set_quantity(session, s.manager, s.deal_id, 2, laminate, "1", now)
    assert typed.value.code == ErrorCode.QUANTITY
    assert await items_of(session, second) == []
    assert [q for _, _, q, *_ in await items_of(session, s.deal_id)] == [D(14)]
    assert await deal_state(session, s.deal_id) == (D("357.00"), 2)


async def test_a_formula_counting_nothing_is_refused(
    session: AsyncSession, clock: ManualClock, s: Shop, goods: Goods
) -> None:
    cut = (
        await product(
            session,
            clock.now(),
            "Offcut",
            "1",
            measure_set_id=goods.room,
            formula="length - width",
        )
    ).id
    with pytest.raises(InvalidInput) as refused:
        await items.add_measured(session, s.manager, s.deal_id, 1, cut, "3 x 3", clock.now())
    assert refused.value.code == ErrorCode.MEASURES
    assert await count(session, DealMeasure) == 0
    await items.add_measured(session, s.manager, s.deal_id, 1, cut, "5 x 3", clock.now())
    (measure,) = await session.scalars(select(DealMeasure.id))
    with pytest.raises(InvalidInput):
        await items.set_measures(session, s.manager, s.deal_id, 2, measure, "3 x 3", clock.now())
    # A refused action is undone by its caller (the update's middleware).
    await session.rollback()
    assert await measures_of(session, s.deal_id) == [(goods.room, {"length": "5", "width": "3"})]
    assert await deal_state(session, s.deal_id) == (D("2.00"), 2)


async def test_removing_the_last_item_of_measurements_removes_them(
    session: AsyncSession, clock: ManualClock, s: Shop, goods: Goods
) -> None:
    now = clock.now()
    await items.add_measured(session, s.manager, s.deal_id, 1, goods.laminate, "4 x 3", now)
    (measure,) = await session.scalars(select(DealMeasure.id))
    await items.add_on_measure(session, s.manager, s.deal_id, 2, goods.underlay, measure, now)
    await items.add(session, s.manager, s.deal_id, 3, goods.handle, "2", now)
    laminate, underlay, handle = await item_ids(session, s.deal_id)
    # 14 × 25.50 = 357 + 12 × 3.20 = 38.40 + 25.
    assert await deal_state(session, s.deal_id) == (D("420.40"), 4)
    shown = await items.remove(session, s.manager, s.deal_id, 4, underlay, now)
    assert await count(session, DealMeasure) == 1
    assert [m.measure_id for m in shown.items.measures] == [measure]
    shown = await items.remove(session, s.manager, s.deal_id, 5, laminate, now)
    assert await count(session, DealMeasure) == 0
    assert shown.items.measures == ()
    assert await deal_state(session, s.deal_id) == (D("25.00"), 6)
    with pytest.raises(NotFound):
        await items.set_measures(session, s.manager, s.deal_id, 6, measure, "1 x 1", now)
    with pytest.raises(NotFound):
        await items.remove(session, s.manager, s.deal_id, 6, laminate, now)
    assert await item_ids(session, s.deal_id) == [handle]


async def test_the_amount_is_the_items_and_cannot_be_typed_while_there_are_any(
    session: AsyncSession, clock: ManualClock, s: Shop, goods: Goods
) -> None:
    now = clock.now()
    await pipeline.set_amount(session, s.manager, s.deal_id, 1, "1000", now)
    await items.add(session, s.manager, s.deal_id, 2, goods.handle, "2", now)
    assert await deal_state(session, s.deal_id) == (D("25.00"), 3)
    with pytest.raises(InvalidInput) as refused:
        await pipeline.set_amount(session, s.manager, s.deal_id, 3, "500", now)
    assert refused.value.code == ErrorCode.AMOUNT_FROM_ITEMS
    assert await deal_state(session, s.deal_id) == (D("25.00"), 3)
    assert await history(session, s.deal_id, "amount") == [
        ("amount", s.manager.user_id, None, "1000.00"),
        ("amount", None, "1000.00", "25.00"),
    ]
    # With the last item gone the amount stays as it was counted, and may be typed again.
    (handle,) = await item_ids(session, s.deal_id)
    await items.remove(session, s.manager, s.deal_id, 3, handle, now)
    assert await deal_state(session, s.deal_id) == (D("25.00"), 4)
    await pipeline.set_amount(session, s.manager, s.deal_id, 4, "500", now)
    assert await deal_state(session, s.deal_id) == (D("500.00"), 5)


async def test_vat_on_top_of_prices_is_added_to_the_amount(
    session: AsyncSession, clock: ManualClock, s: Shop, goods: Goods
) -> None:
    turned = await sales.set_vat(session, s.owner, False, clock.now())
    assert turned == sales.Sales(vat_included=False, manager_limit=D(10))
    shown = await items.add(session, s.manager, s.deal_id, 1, goods.door, "1", clock.now())
    # 310.99 + 18% = 55.9782 → 55.98: 366.97.
    assert (shown.items.totals.vat, shown.items.totals.total) == (D("55.98"), D("366.97"))
    assert await deal_state(session, s.deal_id) == (D("366.97"), 2)
    with pytest.raises(AccessDenied):
        await sales.set_vat(session, s.manager, False, clock.now())


async def test_no_more_than_max_items(
    session: AsyncSession, clock: ManualClock, s: Shop, goods: Goods
) -> None:
    session.add_all(
        DealItem(
            deal_id=s.deal_id,
            product_id=goods.handle,
            quantity=D(1),
            unit="piece",
            price=D("12.50"),
            vat_included=True,
            created_at=clock.now(),
        )
        for _ in range(items.MAX_ITEMS - 1)
    )
    await session.commit()
    await items.add(session, s.manager, s.deal_id, 1, goods.handle, "1", clock.now())
    # 100 × 12.50.
    assert await deal_state(session, s.deal_id) == (D("1250.00"), 2)
    with pytest.raises(InvalidInput) as refused:
        await items.add(session, s.manager, s.deal_id, 2, goods.handle, "1", clock.now())
    assert refused.value.code == ErrorCode.TOO_MANY_ITEMS
    with pytest.raises(InvalidInput):
        await items.add_measured(
            session, s.manager, s.deal_id, 2, goods.laminate, "1 x 1", clock.now()
        )
    # A refused action is undone by its caller (the update's middleware).
    await session.rollback()
    assert len(await item_ids(session, s.deal_id)) == items.MAX_ITEMS == 100
    assert await count(session, DealMeasure) == 0
    assert await deal_state(session, s.deal_id) == (D("1250.00"), 2)


Act = Callable[[Actor, int], Awaitable[Screen]]


async def acts(session: AsyncSession, clock: ManualClock, s: Shop, goods: Goods) -> dict[str, Act]:
    """Every item action on deal 1 as someone with a version; the deal holds a handle and
    laminate on measurements, at version 3."""
    now = clock.now()
    await items.add(session, s.manager, s.deal_id, 1, goods.handle, "1", now)
    await items.add_measured(session, s.manager, s.deal_id, 2, goods.laminate, "4 x 3", now)
    handle, _ = await item_ids(session, s.deal_id)
    (measure,) = await session.scalars(select(DealMeasure.id))
    deal = s.deal_id
    return {
        "add": lambda who, seen: items.add(session, who, deal, seen, goods.door, "1", now),
        "add_measured": lambda who, seen: items.add_measured(
            session, who, deal, seen, goods.laminate, "2 x 2", now
        ),
        "add_on_measure": lambda who, seen: items.add_on_measure(
            session, who, deal, seen, goods.underlay, measure, now
        ),
        "set_quantity": lambda who, seen: items.set_quantity(
            session, who, deal, seen, handle, "5", now
        ),
        "set_measures": lambda who, seen: items.set_measures(
            session, who, deal, seen, measure, "5 x 5", now
        ),
        "remove": lambda who, seen: items.remove(session, who, deal, seen, handle, now),
    }


async def snapshot(session: AsyncSession, deal_id: int) -> tuple[object, ...]:
    return (
        await deal_state(session, deal_id),
        await items_of(session, deal_id),
        await measures_of(session, deal_id),
        await count(session, Event),
    )


# 1 × 12.50 + 14 × 25.50 = 369.50 before each action.
AFTER = {
    "add": D("680.49"),
    "add_measured": D("497.00"),
    "add_on_measure": D("407.90"),
    "set_quantity": D("419.50"),
    "set_measures": D("726.50"),
    "remove": D("357.00"),
}


@pytest.mark.parametrize("name", list(AFTER))
async def test_every_action_refuses_an_old_version(
    session: AsyncSession, clock: ManualClock, s: Shop, goods: Goods, name: str
) -> None:
    act = (await acts(session, clock, s, goods))[name]
    before = await snapshot(session, s.deal_id)
    assert before[0] == (D("369.50"), 3)
    with pytest.raises(StaleCard) as stale:
        await act(s.manager, 2)
    assert (stale.value.card.version, stale.value.card.amount) == (3, D("369.50"))
    assert await snapshot(session, s.deal_id) == before
    shown = await act(s.manager, 3)
    assert shown.version == 4
    assert await deal_state(session, s.deal_id) == (AFTER[name], 4)


@pytest.mark.parametrize("name", list(AFTER))
async def test_every_action_refuses_a_closed_deal(
    session: AsyncSession, clock: ManualClock, s: Shop, goods: Goods, name: str
) -> None:
    act = (await acts(session, clock, s, goods))[name]
    await close(session, s.deal_id, clock.now())
    before = await snapshot(session, s.deal_id)
    for who in (s.manager, s.owner):
        with pytest.raises(InvalidInput) as refused:
            await act(who, 3)
        assert refused.value.code == ErrorCode.DEAL_CLOSED
    assert await snapshot(session, s.deal_id) == before
    shown = await items.screen(session, s.manager, s.deal_id)
    assert (shown.is_open, shown.version) == (False, 3)


@pytest.mark.parametrize("name", list(AFTER))
async def test_every_action_is_the_deals_manager_or_an_owners(
    session: AsyncSession, clock: ManualClock, s: Shop, goods: Goods, name: str
) -> None:
    act = (await acts(session, clock, s, goods))[name]
    before = await snapshot(session, s.deal_id)
    with pytest.raises(AccessDenied):
        await act(s.other, 3)
    with pytest.raises(AccessDenied):
        await items.screen(session, s.other, s.deal_id)
    assert await snapshot(session, s.deal_id) == before
    await act(s.second_owner, 3)
    assert await deal_state(session, s.deal_id) == (AFTER[name], 4)


async def test_the_requests_discounts_go_with_its_last_item(
    session: AsyncSession, clock: ManualClock, s: Shop, goods: Goods
) -> None:
    now = clock.now()
    await items.add(session, s.manager, s.deal_id, 1, goods.handle, "2", now)
    await discounts.give(session, s.manager, s.deal_id, 2, None, "5%", now)
    (handle,) = await item_ids(session, s.deal_id)
    await items.remove(session, s.manager, s.deal_id, 3, handle, now)
    assert await discounts_of(session, s.deal_id) == []
    assert (await history(session, s.deal_id, "discount"))[-1] == (
        "discount",
        s.manager.user_id,
        "deal",
        None,
    )
    # The next item comes without the earlier discount: 2 × 12.50.
    await items.add(session, s.manager, s.deal_id, 4, goods.handle, "2", now)
    assert await deal_state(session, s.deal_id) == (D("25.00"), 5)
