"""The catalog as managers and owners read it (categories, pages, a product, the search behind
inline mode) and as the owner keeps it (products with version checks, categories, measure
sets and formulas)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import catalog, catalog_edit, measure_sets
from services.access import Actor, actor_of
from services.catalog import PAGE, SEARCH_PAGE, fold, search_text
from services.catalog_edit import StaleProduct
from services.clock import ManualClock
from services.db.catalog import Category, Product
from services.errors import AccessDenied, ErrorCode, FormulaRefused, InvalidInput, NotFound
from tests.support.catalog import category, names, product, room
from tests.support.seed import add_user

D = Decimal


@pytest.fixture
async def owner(session: AsyncSession, clock: ManualClock) -> Actor:
    return actor_of(await add_user(session, 1, "owner", clock), "en")


@pytest.fixture
async def manager(session: AsyncSession, clock: ManualClock) -> Actor:
    return actor_of(await add_user(session, 10, "manager", clock), "en")


async def stored(session: AsyncSession, product_id: int, *columns: Any) -> tuple[Any, ...]:
    """A product's columns as the database holds them."""
    return tuple((await session.execute(select(*columns).where(Product.id == product_id))).one())


async def found(session: AsyncSession, who: Actor, text: str, offset: int = 0) -> list[str]:
    """The English names search shows, in order, on one page."""
    shown, _ = await catalog.search(session, who, text, offset)
    return [p.names["en"] for p in shown]


# Folding and the search.


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("İşıq", "isiq"),
        ("ışıq", "isiq"),
        ("IŞIQ", "isiq"),
        ("isiq", "isiq"),
        ("Çay Gülü", "cay gulu"),
        ("Ağac ÖRTÜK", "agac ortuk"),
        ("Əl", "əl"),
        ("Ёлка Йод", "елка иод"),
        ("Straße", "strasse"),
        ("Café", "cafe"),
    ],
)
def test_fold_drops_case_accents_and_the_dot_of_i(typed: str, folded: str) -> None:
    assert fold(typed) == folded


def test_search_text_is_every_name_and_the_code_folded() -> None:
    named = names("Oak door", "Palıd qapı", "Дубовая дверь")
    assert search_text(named, "D-1") == "oak door\npalid qapi\nдубовая дверь\nd-1"
    assert search_text(names("Tile"), None) == "tile\ntile\ntile"


async def test_search_by_part_of_a_name_in_any_language_or_of_the_code(
    session: AsyncSession, manager: Actor, clock: ManualClock
) -> None:
    now = clock.now()
    await product(
        session, now, names("Oak door", "Palıd qapı", "Дубовая дверь"), "310", code="D-1"
    )
    await product(session, now, names("Light strip", "İşıq lenti", "Светодиодная лента"), "12")
    await product(session, now, names("Ceiling lamp", "Tavan lampası", "Люстра"), "80", code="L-7")
    assert await found(session, manager, "door") == ["Oak door"]
    assert await found(session, manager, "qapı") == ["Oak door"]
    assert await found(session, manager, "ДВЕРЬ") == ["Oak door"]
    assert await found(session, manager, "d-1") == ["Oak door"]
    assert await found(session, manager, "L-7") == ["Ceiling lamp"]
    assert await found(session, manager, "лента") == ["Light strip"]
    for typed in ("isiq", "ışıq", "İşıq", "IŞIQ", "işıq"):
        assert await found(session, manager, typed) == ["Light strip"], typed
    # Spaces are squeezed as names are.
    assert await found(session, manager, "  oak    door ") == ["Oak door"]
    assert await found(session, manager, "window") == []
    # Nothing typed: every active product, by name.
    assert await found(session, manager, "") == ["Ceiling lamp", "Light strip", "Oak door"]


async def test_search_shows_names_that_start_with_the_text_first(
    session: AsyncSession, manager: Actor, clock: ManualClock
) -> None:
    now = clock.now()
    await product(session, now, "Board laminate", "10")
    await product(session, now, "Ceiling lamp", "80")
    await product(session, now, "Laminate 8 mm", "25.50")
    await product(session, now, "Laminate 12 mm", "31")
    assert await found(session, manager, "lam") == [
        "Laminate 12 mm",
        "Laminate 8 mm",
        "Board laminate",
        "Ceiling lamp",
    ]


async def test_a_name_in_another_language_that_starts_with_the_text_comes_first(
    session: AsyncSession, manager: Actor, clock: ManualClock
) -> None:
    now = clock.now()
    await product(session, now, names("Alpha table", "Palıd masa", "Стол из дуба"), "90")
    await product(session, now, names("Zeta door", "Palıd qapı", "Дубовая дверь"), "310")
    await product(session, now, names("Beta shelf", "Rəf", "Полка"), "40", code="DUB-1")
    # "Дубовая дверь" and the code DUB-1 start with "дуб"/"dub"; "Стол из дуба" only holds it.
    assert await found(session, manager, "дуб") == ["Zeta door", "Alpha table"]
    assert await found(session, manager, "palıd q") == ["Zeta door"]
    assert await found(session, manager, "dub") == ["Beta shelf"]


async def test_a_switched_off_product_is_not_found(
    session: AsyncSession, manager: Actor, owner: Actor, clock: ManualClock
) -> None:
    now = clock.now()
    await product(session, now, "Parquet oak", "40", active=False)
    await product(session, now, "Parquet ash", "35")
    assert await found(session, manager, "parquet") == ["Parquet ash"]
    assert await found(session, owner, "parquet") == ["Parquet ash"]
    assert await found(session, manager, "") == ["Parquet ash"]


async def test_search_pages_hold_ten_with_the_next_offset(
    session: AsyncSession, manager: Actor, clock: ManualClock
) -> None:
    now = clock.now()
    for n in range(25, 0, -1):
        await product(session, now, f"Tile {n:02}", "5")
    await product(session, now, "Grout", "3")
    assert SEARCH_PAGE == 10
    first, after_first = await catalog.search(session, manager, "tile", 0)
    second, after_second = await catalog.search(session, manager, "tile", 10)
    last, after_last = await catalog.search(session, manager, "tile", 20)
    assert [p.names["en"] for p in first] == [f"Tile {n:02}" for n in range(1, 11)]
    assert [p.names["en"] for p in second] == [f"Tile {n:02}" for n in range(11, 21)]
    assert [p.names["en"] for p in last] == [f"Tile {n:02}" for n in range(21, 26)]
    assert (after_first, after_second, after_last) == (10, 20, None)
    beyond, after_beyond = await catalog.search(session, manager, "tile", 30)
    assert (beyond, after_beyond) == ([], None)


async def test_a_page_goes_on_from_names_that_start_with_it_to_those_that_hold_it(
    session: AsyncSession, manager: Actor, clock: ManualClock
) -> None:
    now = clock.now()
    for n in range(1, 8):
        await product(session, now, f"Tile {n}", "5")
        await product(session, now, f"Floor tile {n}", "5")
    first, after_first = await catalog.search(session, manager, "tile", 0)
    second, after_second = await catalog.search(session, manager, "tile", 10)
    assert [p.names["en"] for p in first] == [
        *(f"Tile {n}" for n in range(1, 8)),
        *(f"Floor tile {n}" for n in range(1, 4)),
    ]
    assert [p.names["en"] for p in second] == [f"Floor tile {n}" for n in range(4, 8)]
    assert (after_first, after_second) == (10, None)


async def test_a_full_last_page_has_no_next_offset(
    session: AsyncSession, manager: Actor, clock: ManualClock
) -> None:
    for n in range(1, 11):
        await product(session, clock.now(), f"Tile {n:02}", "5")
    shown, after = await catalog.search(session, manager, "tile", 0)
    assert (len(shown), after) == (10, None)
    await product(session, clock.now(), "Tile 11", "5")
    shown, after = await catalog.search(session, manager, "tile", 0)
    assert (len(shown), after) == (10, 10)
    shown, after = await catalog.search(session, manager, "tile", 10)
    assert ([p.names["en"] for p in shown], after) == (["Tile 11"], None)


async def test_percent_underscore_and_backslash_are_matched_as_typed(
    session: AsyncSession, manager: Actor, clock: ManualClock
) -> None:
    now = clock.now()
    await product(session, now, "Sticker 50% off", "1")
    await product(session, now, "Cable A_B", "2")
    await product(session, now, "Cable AxB", "3")
    await product(session, now, "Pipe 1\\2", "4")
    await product(session, now, "Pipe 1x2", "5")
    assert await found(session, manager, "%") == ["Sticker 50% off"]
    assert await found(session, manager, "0%") == ["Sticker 50% off"]
    assert await found(session, manager, "_") == ["Cable A_B"]
    assert await found(session, manager, "a_b") == ["Cable A_B"]
    assert await found(session, manager, "axb") == ["Cable AxB"]
    assert await found(session, manager, "1\\2") == ["Pipe 1\\2"]
    assert await found(session, manager, "\\") == ["Pipe 1\\2"]


async def test_a_long_query_is_cut_and_a_customer_may_not_search(
    session: AsyncSession, manager: Actor, clock: ManualClock
) -> None:
    await product(session, clock.now(), "Tile " + "x" * 70, "5")
    assert await found(session, manager, "tile " + "x" * 59 + "yyyyy") == ["Tile " + "x" * 70]
    customer = actor_of(await add_user(session, 100, "customer", clock), "en")
    with pytest.raises(AccessDenied):
        await catalog.search(session, customer, "tile", 0)


# Categories, pages and one product.


async def test_categories_count_what_each_reader_sees(
    session: AsyncSession, manager: Actor, owner: Actor, clock: ManualClock
) -> None:
    now = clock.now()
    doors = await category(session, names("Doors", "Qapılar", "Двери"), 2)
    floors = await category(session, names("Floors", "Döşəmə", "Полы"), 1)
    empty = await category(session, names("Empty"), 3)
    await category(session, names("Old"), 0, deleted_at=now)
    await product(session, now, "Laminate", "25", category_id=floors.id)
    await product(session, now, "Parquet", "40", category_id=floors.id)
    await product(session, now, "Cork", "30", category_id=floors.id, active=False)
    await product(session, now, "Oak door", "310", category_id=doors.id)
    await product(session, now, "Delivery", "15")
    await product(session, now, "Old delivery", "10", active=False)
    seen = [
        (c.category_id, c.names["az"], c.products)
        for c in await catalog.categories(session, manager)
    ]
    assert seen == [(floors.id, "Döşəmə", 2), (doors.id, "Qapılar", 1), (empty.id, "Empty", 0)]
    counted = [(c.category_id, c.products) for c in await catalog.categories(session, owner)]
    assert counted == [(floors.id, 3), (doors.id, 1), (empty.id, 0)]
    assert await catalog.uncategorised(session, manager) == 1
    assert await catalog.uncategorised(session, owner) == 2
    customer = actor_of(await add_user(session, 100, "customer", clock), "en")
    with pytest.raises(AccessDenied):
        await catalog.categories(session, customer)


async def test_a_category_is_paged_by_name(
    session: AsyncSession, manager: Actor, owner: Actor, clock: ManualClock
) -> None:
    now = clock.now()
    tiles = await category(session, names("Tiles"), 1)
    for n in range(10, 0, -1):
        await product(session, now, f"Tile {n:02}", "5", category_id=tiles.id)
    await product(session, now, "Tile 11", "5", category_id=tiles.id, active=False)
    await product(session, now, "Grout", "3")
    assert PAGE == 8
    first, pages = await catalog.page(session, manager, tiles.id, 0)
    assert ([p.names["en"] for p in first], pages) == ([f"Tile {n:02}" for n in range(1, 9)], 2)
    second, _ = await catalog.page(session, manager, tiles.id, 1)
    assert [p.names["en"] for p in second] == ["Tile 09", "Tile 10"]
    # A page past the end is the last one; before the first, the first.
    assert (await catalog.page(session, manager, tiles.id, 7))[0] == second
    assert (await catalog.page(session, manager, tiles.id, -3))[0] == first
    owners, pages = await catalog.page(session, owner, tiles.id, 1)
    assert ([p.names["en"] for p in owners], pages) == (["Tile 09", "Tile 10", "Tile 11"], 2)
    assert [p.active for p in owners] == [True, True, False]
    loose, pages = await catalog.page(session, manager, None, 0)
    assert ([p.names["en"] for p in loose], pages) == (["Grout"], 1)
    nothing = await category(session, names("Nothing"), 2)
    assert await catalog.page(session, manager, nothing.id, 0) == ([], 1)


async def test_a_product_as_read(
    session: AsyncSession, manager: Actor, owner: Actor, clock: ManualClock
) -> None:
    now = clock.now()
    shown = await product(
        session, now, names("Oak door", "Palıd qapı"), "310.99", code="D-1", vat="18", stock="4.5"
    )
    off = await product(session, now, "Parquet", "40", active=False)
    view = await catalog.product(session, manager, shown.id)
    assert (view.code, view.names["az"], view.price, view.vat_rate, view.stock, view.version) == (
        "D-1",
        "Palıd qapı",
        D("310.99"),
        D("18.00"),
        D("4.500"),
        1,
    )
    assert catalog.name_in(view.names, "ru") == "Oak door"
    assert catalog.name_in({"ru": "Дверь"}, "az") == "Дверь"
    with pytest.raises(NotFound):
        await catalog.product(session, manager, off.id)
    assert (await catalog.product(session, owner, off.id)).active is False
    with pytest.raises(NotFound):
        await catalog.product(session, owner, 999)


async def test_measure_sets_as_read(
    session: AsyncSession, manager: Actor, clock: ManualClock
) -> None:
    kept = await room(session)
    gone = await room(session, deleted_at=clock.now())
    listed = await catalog.measure_sets(session, manager)
    assert [s.set_id for s in listed] == [kept.id]
    assert listed[0].keys == ["length", "width"]
    assert listed[0].inputs[1].names["az"] == "En"
    assert listed[0].inputs[0].unit == "m"
    with pytest.raises(NotFound):
        await catalog.measure_set(session, manager, gone.id)


# The owner keeps the catalog.


async def test_a_new_product_named_in_three_languages_or_one(
    session: AsyncSession, owner: Actor, clock: ManualClock
) -> None:
    made = await catalog_edit.add_product(
        session,
        owner,
        " Laminate  8 mm / Laminat 8 mm /  Ламинат 8 мм ",
        "1,525.50",
        "m2",
        clock.now(),
    )
    assert dict(made.names) == {"en": "Laminate 8 mm", "az": "Laminat 8 mm", "ru": "Ламинат 8 мм"}
    assert (made.price, made.unit, made.active, made.version, made.code) == (
        D("1525.50"),
        "m2",
        True,
        1,
        None,
    )
    row = await session.get_one(Product, made.product_id)
    assert row.search == "laminate 8 mm\nlaminat 8 mm\nламинат 8 мм"
    one = await catalog_edit.add_product(session, owner, "Delivery", "15", "set", clock.now())
    assert dict(one.names) == {"en": "Delivery", "az": "Delivery", "ru": "Delivery"}
    assert await found(session, owner, "ламинат") == ["Laminate 8 mm"]


@pytest.mark.parametrize("text", ["", " / ", "a / b", "a / b / c / d", "x" * 129, "a // c"])
def test_names_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        catalog_edit.parse_names(text)
    assert refused.value.code == ErrorCode.PRODUCT_NAME


async def test_a_new_product_with_a_bad_unit_or_price_is_refused(
    session: AsyncSession, owner: Actor, clock: ManualClock
) -> None:
    with pytest.raises(InvalidInput) as unit:
        await catalog_edit.add_product(session, owner, "Box", "5", "box", clock.now())
    assert unit.value.code == ErrorCode.INVALID_INPUT
    for price in ("-5", "5.555", "five", ""):
        with pytest.raises(InvalidInput) as refused:
            await catalog_edit.add_product(session, owner, "Box", price, "piece", clock.now())
        assert refused.value.code == ErrorCode.PRICE, price
    assert await session.scalar(select(Product.id)) is None


async def test_the_owner_edits_a_product_on_the_version_shown(
    session: AsyncSession, owner: Actor, clock: ManualClock
) -> None:
    door = await product(session, clock.now(), "Oak door", "310")
    clock.advance(timedelta(minutes=1))
    later = clock.now()
    edited = await catalog_edit.edit(
        session,
        owner,
        door.id,
        1,
        later,
        names=catalog_edit.parse_names("Ash door / Göyrüş qapı / Ясеневая дверь"),
        code=catalog_edit.parse_code(" AD-2 "),
        price=catalog_edit.parse_price("299,90", "az"),
        vat_rate=catalog_edit.parse_vat("18%", "en"),
        stock=catalog_edit.parse_stock("1 000,5", "ru"),
    )
    assert (edited.version, edited.code, edited.price, edited.vat_rate, edited.stock) == (
        2,
        "AD-2",
        D("299.90"),
        D("18.00"),
        D("1000.500"),
    )
    assert edited.names["az"] == "Göyrüş qapı"
    row = await session.get_one(Product, door.id)
    assert row.search == "ash door\ngoyrus qapi\nясеневая дверь\nad-2"
    assert row.updated_at == later
    assert await found(session, owner, "oak") == []
    assert await found(session, owner, "ad-2") == ["Ash door"]
    # The code cleared, the search text follows.
    cleared = await catalog_edit.edit(
        session, owner, door.id, 2, later, code=catalog_edit.parse_code("-")
    )
    assert (cleared.code, cleared.version) == (None, 3)
    assert await found(session, owner, "ad-2") == []
    off = await catalog_edit.edit(session, owner, door.id, 3, later, active=False)
    assert (off.active, off.version) == (False, 4)
    assert await found(session, owner, "ash") == []


async def test_an_old_version_changes_nothing_and_shows_the_product_as_it_is(
    session: AsyncSession, owner: Actor, clock: ManualClock
) -> None:
    door = (await product(session, clock.now(), "Oak door", "310")).id
    await catalog_edit.edit(session, owner, door, 1, clock.now(), price=D("320.00"))
    with pytest.raises(StaleProduct) as stale:
        await catalog_edit.edit(session, owner, door, 1, clock.now(), price=D("1.00"))
    assert stale.value.code == ErrorCode.STALE_CARD
    assert (stale.value.product.version, stale.value.product.price) == (2, D("320.00"))
    assert await stored(session, door, Product.price, Product.version) == (D("320.00"), 2)


async def test_a_code_taken_by_another_product_is_refused(
    session: AsyncSession, owner: Actor, clock: ManualClock
) -> None:
    door = (await product(session, clock.now(), "Oak door", "310", code="D-1")).id
    other = (await product(session, clock.now(), "Ash door", "290")).id
    with pytest.raises(InvalidInput) as taken:
        await catalog_edit.edit(session, owner, other, 1, clock.now(), code="D-1")
    assert taken.value.code == ErrorCode.CODE_TAKEN
    assert await stored(session, other, Product.code, Product.version) == (None, 1)
    # Its own code again is no clash.
    same = await catalog_edit.edit(session, owner, door, 1, clock.now(), code="D-1")
    assert (same.code, same.version) == ("D-1", 2)


@pytest.mark.parametrize("text", ["bad code", "x" * 33, "", "D#1", "ƏL-1 2"])
def test_codes_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        catalog_edit.parse_code(text)
    assert refused.value.code == ErrorCode.PRODUCT_CODE


def test_codes_read() -> None:
    assert catalog_edit.parse_code("LAM-8/2.x_y") == "LAM-8/2.x_y"
    assert catalog_edit.parse_code(" - ") is None


async def test_other_edits_refused(
    session: AsyncSession, owner: Actor, clock: ManualClock
) -> None:
    door = (await product(session, clock.now(), "Oak door", "310")).id
    gone = (await category(session, names("Old"), 1, deleted_at=clock.now())).id
    with pytest.raises(InvalidInput) as unit:
        await catalog_edit.edit(session, owner, door, 1, clock.now(), unit="box")
    assert unit.value.code == ErrorCode.INVALID_INPUT
    with pytest.raises(NotFound):
        await catalog_edit.edit(session, owner, door, 1, clock.now(), category_id=gone)
    with pytest.raises(NotFound):
        await catalog_edit.edit(session, owner, door, 1, clock.now(), category_id=999)
    with pytest.raises(NotFound):
        await catalog_edit.edit(session, owner, 999, 1, clock.now(), price=D(1))
    columns = (Product.unit, Product.category_id, Product.version)
    assert await stored(session, door, *columns) == ("piece", None, 1)


@pytest.mark.parametrize(
    ("text", "locale", "rate"),
    [
        ("18", "en", D(18)),
        ("18%", "en", D(18)),
        (" 18 % ", "az", D(18)),
        ("7,5", "az", D("7.5")),
        ("7,5%", "ru", D("7.5")),
        ("7.5", "en", D("7.5")),
        ("99.99", "en", D("99.99")),
        ("0", "en", None),
        ("0%", "az", None),
        ("-", "ru", None),
    ],
)
def test_vat_rates_read(text: str, locale: str, rate: Decimal | None) -> None:
    assert catalog_edit.parse_vat(text, locale) == rate


@pytest.mark.parametrize(
    ("text", "locale"),
    [("100", "en"), ("-1", "en"), ("7.555", "en"), ("eighteen", "en"), ("7.5", "az"), ("", "en")],
)
def test_vat_rates_refused(text: str, locale: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        catalog_edit.parse_vat(text, locale)
    assert refused.value.code == ErrorCode.VAT_RATE


@pytest.mark.parametrize(
    ("text", "locale", "stock"),
    [
        ("120,5", "az", D("120.5")),
        ("120.5", "en", D("120.5")),
        ("1 000", "ru", D(1000)),
        ("0", "en", D(0)),
        ("0,125", "ru", D("0.125")),
        ("-", "en", None),
    ],
)
def test_stock_read(text: str, locale: str, stock: Decimal | None) -> None:
    assert catalog_edit.parse_stock(text, locale) == stock


@pytest.mark.parametrize(
    ("text", "locale"),
    [("-3", "en"), ("1.2345", "en"), ("1000000000", "en"), ("lots", "en"), ("1,5", "en")],
)
def test_stock_refused(text: str, locale: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        catalog_edit.parse_stock(text, locale)
    assert refused.value.code == ErrorCode.STOCK


async def test_categories_added_renamed_and_deleted(
    session: AsyncSession, owner: Actor, manager: Actor, clock: ManualClock
) -> None:
    floors_id, named = await catalog_edit.add_category(
        session, owner, "Floors / Döşəmə / Полы", clock.now()
    )
    doors_id, _ = await catalog_edit.add_category(session, owner, "Doors", clock.now())
    assert named == {"en": "Floors", "az": "Döşəmə", "ru": "Полы"}
    positions = await session.execute(select(Category.id, Category.position).order_by(Category.id))
    assert positions.all() == [(floors_id, 1), (doors_id, 2)]
    renamed = await catalog_edit.rename_category(
        session, owner, doors_id, "Doors / Qapılar / Двери"
    )
    assert renamed == {"en": "Doors", "az": "Qapılar", "ru": "Двери"}
    door = (await product(session, clock.now(), "Oak door", "310", category_id=doors_id)).id
    await catalog_edit.delete_category(session, owner, doors_id, clock.now())
    listed = [c.category_id for c in await catalog.categories(session, manager)]
    assert listed == [floors_id]
    assert await stored(session, door, Product.category_id) == (None,)
    assert await catalog.uncategorised(session, manager) == 1
    with pytest.raises(NotFound):
        await catalog_edit.rename_category(session, owner, doors_id, "Again")
    with pytest.raises(NotFound):
        await catalog_edit.delete_category(session, owner, doors_id, clock.now())


async def test_a_manager_may_not_keep_the_catalog(
    session: AsyncSession, manager: Actor, clock: ManualClock
) -> None:
    now = clock.now()
    door = (await product(session, now, "Oak door", "310")).id
    floors = (await category(session, names("Floors"), 1)).id
    kind = (await room(session)).id
    attempts = [
        catalog_edit.add_product(session, manager, "Box", "5", "piece", now),
        catalog_edit.edit(session, manager, door, 1, now, price=D(1)),
        catalog_edit.add_category(session, manager, "Walls", now),
        catalog_edit.rename_category(session, manager, floors, "Walls"),
        catalog_edit.delete_category(session, manager, floors, now),
        measure_sets.add(session, manager, "Wall", "Height", now),
        measure_sets.set_formula(session, manager, door, 1, kind, "length", now),
        measure_sets.clear_formula(session, manager, door, 1, now),
    ]
    for attempt in attempts:
        with pytest.raises(AccessDenied):
            await attempt
    columns = (Product.price, Product.version, Product.formula)
    assert await stored(session, door, *columns) == (D("310.00"), 1, None)
    assert await session.scalar(select(func.count()).select_from(Product)) == 1
    assert [c.names["en"] for c in await catalog.categories(session, manager)] == ["Floors"]


# Measure sets and formulas.


def test_measure_inputs_read_one_a_line() -> None:
    inputs = measure_sets.parse_inputs(
        "Length / Uzunluq / Длина, m\n\n  Width / En / Ширина  \nДлина\n2nd side, m2"
    )
    assert inputs == [
        {"key": "length", "names": names("Length", "Uzunluq", "Длина"), "unit": "m"},
        {"key": "width", "names": names("Width", "En", "Ширина"), "unit": "m"},
        {"key": "x3", "names": names("Длина"), "unit": "m"},
        {"key": "x4", "names": names("2nd side"), "unit": "m2"},
    ]
    twice = measure_sets.parse_inputs("Side\nSide")
    assert [i["key"] for i in twice] == ["side", "side_2"]


@pytest.mark.parametrize("text", ["", "Length, box", "a\nb\nc\nd\ne\nf\ng", "a / b, m"])
def test_measure_inputs_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        measure_sets.parse_inputs(text)
    assert refused.value.code == ErrorCode.MEASURE_INPUTS


async def test_a_product_given_a_formula_over_a_measure_set(
    session: AsyncSession, owner: Actor, clock: ManualClock
) -> None:
    made = await measure_sets.add(
        session,
        owner,
        "Room / Otaq / Комната",
        "Length / Uzunluq / Длина\nWidth / En / Ширина",
        clock.now(),
    )
    assert (made.names["ru"], made.keys) == ("Комната", ["length", "width"])
    laminate = await product(session, clock.now(), "Laminate", "25.50", "m2")
    with pytest.raises(FormulaRefused) as refused:
        await measure_sets.set_formula(
            session, owner, laminate.id, 1, made.set_id, "length * depth", clock.now()
        )
    assert (refused.value.problem, refused.value.detail) == ("unknown_name", "depth")
    with_formula = await measure_sets.set_formula(
        session, owner, laminate.id, 1, made.set_id, "ceil(length * width * 1.1)", clock.now()
    )
    assert (with_formula.measure_set_id, with_formula.formula, with_formula.version) == (
        made.set_id,
        "ceil(length * width * 1.1)",
        2,
    )
    with pytest.raises(StaleProduct):
        await measure_sets.clear_formula(session, owner, laminate.id, 1, clock.now())
    cleared = await measure_sets.clear_formula(session, owner, laminate.id, 2, clock.now())
    assert (cleared.measure_set_id, cleared.formula, cleared.version) == (None, None, 3)
    with pytest.raises(NotFound):
        await measure_sets.set_formula(session, owner, laminate.id, 3, 999, "length", clock.now())
