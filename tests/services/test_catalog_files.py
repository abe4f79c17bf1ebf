"""The catalog as an .xlsx file: the round trip, every bad row named by its row and column with
nothing written, matching by id and code, new categories, and only the owner using it."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import catalog_files, catalog_sheet
from services.access import Actor
from services.catalog_sheet import (
    COLUMNS,
    MAX_ROWS,
    CatalogFileRejected,
    FileProblem,
    Problem,
)
from services.clock import ManualClock
from services.db.catalog import Category, Product
from services.errors import AccessDenied, ErrorCode
from services.workbooks import MAX_BYTES
from tests.support.catalog_files import EDITABLE, counts, row, seed_catalog, stored, xlsx
from tests.support.seed import actor, add_user


@pytest.fixture
async def owner(session: AsyncSession, clock: ManualClock) -> Actor:
    return actor(await add_user(session, 1, "owner", clock))


async def rejected(
    session: AsyncSession, owner: Actor, data: bytes, clock: ManualClock
) -> CatalogFileRejected:
    with pytest.raises(CatalogFileRejected) as caught:
        await catalog_files.import_catalog(session, owner, data, clock.now())
    assert caught.value.code == ErrorCode.CATALOG_FILE
    return caught.value


async def test_export_then_import_changes_nothing(
    session: AsyncSession, owner: Actor, clock: ManualClock
) -> None:
    await seed_catalog(session, clock.now())
    before = await stored(session)
    data = await catalog_files.export(session, owner)

    sheet = load_workbook(io.BytesIO(data))["Catalog"]
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    assert sheet.column_dimensions["C"].width == 28
    rows = [[c.value for c in line] for line in sheet.iter_rows(min_row=2)]
    assert rows == [
        [1, "LAM-8", "Laminate 8 mm", "Laminat 8 mm", "Ламинат 8 мм", "Floors", "Döşəmə",
         "Полы", "m2", 25.5, 18, 120.5, "yes", "Room", "ceil(length * 1.1)"],
        [2, None, "Parquet", "Parquet", "Parquet", "Floors", "Döşəmə", "Полы", "m2", 40, None,
         None, "no", None, None],
        [3, "D-1", "Oak door", "Oak door", "Oak door", "Doors", "Qapılar", "Двери", "piece",
         310.99, None, None, "yes", None, None],
        [4, None, "Delivery", "Delivery", "Delivery", None, None, None, "set", 15, 0.5, None,
         "yes", None, None],
    ]  # fmt: skip
    assert (sheet["J2"].number_format, sheet["K2"].number_format) == ("#,##0.00", "0.00")
    assert sheet["L2"].number_format == "#,##0.000"

    clock.advance(timedelta(hours=1))
    imported = await catalog_files.import_catalog(session, owner, data, clock.now())

    assert imported == catalog_files.Imported(added=0, updated=0, unchanged=4, categories_added=0)
    assert await stored(session) == before
    assert await counts(session) == (4, 2)


async def test_every_bad_row_is_named_and_nothing_is_written(
    session: AsyncSession, owner: Actor, clock: ManualClock
) -> None:
    await seed_catalog(session, clock.now())
    before = await stored(session)
    data = xlsx(
        [
            row(code="D-1", name_en="Oak door", price=999, category_en="Doors"),
            row(name_en="Tiles", price="12,5", category_en="Walls"),
            [],
            row(name_en="Glue", unit="bucket"),
            row(name_en=None, name_ru="Клей", vat_rate=150, active="maybe"),
            row(name_en="Paint", category_en="Walls"),
        ]
    )

    refused = await rejected(session, owner, data, clock)

    assert refused.problems == [
        Problem(3, "price", ErrorCode.PRICE),
        Problem(5, "unit", FileProblem.UNIT),
        Problem(6, "name_en", ErrorCode.PRODUCT_NAME),
        Problem(6, "vat_rate", ErrorCode.VAT_RATE),
        Problem(6, "active", FileProblem.YES_NO),
    ]
    assert refused.more == 0
    assert await stored(session) == before
    assert await counts(session) == (4, 2)


async def test_a_product_found_by_its_code_or_id_is_updated(
    session: AsyncSession, owner: Actor, clock: ManualClock
) -> None:
    laminate, parquet, door, _delivery = await seed_catalog(session, clock.now())
    laminate_id, parquet_id, door_id, doors = laminate.id, parquet.id, door.id, door.category_id
    clock.advance(timedelta(days=1))
    data = xlsx(
        [
            row(code="D-1", name_en="Oak door", price="1,299.90", category_en="doors"),
            row(id=parquet_id, code="PAR", name_en="Parquet", unit="m2", price=40,
                category_en="FLOORS", active="no"),
        ]
    )  # fmt: skip

    imported = await catalog_files.import_catalog(session, owner, data, clock.now())

    assert imported == catalog_files.Imported(added=0, updated=2, unchanged=0, categories_added=0)
    session.expire_all()
    door_now = await session.get_one(Product, door_id)
    assert (door_now.price, door_now.version, door_now.updated_at) == (
        Decimal("1299.90"),
        4,
        clock.now(),
    )
    assert door_now.category_id == doors
    parquet_now = await session.get_one(Product, parquet_id)
    assert (parquet_now.code, parquet_now.version, parquet_now.active) == ("PAR", 2, False)
    assert parquet_now.search == "parquet\nparquet\nparquet\npar"
    assert await counts(session) == (4, 2)
    # Left out of the file: as it was.
    assert (await session.get_one(Product, laminate_id)).version == 1


async def test_new_rows_add_products_and_their_categories(
    session: AsyncSession, owner: Actor, clock: ManualClock
) -> None:
    await seed_catalog(session, clock.now())
    data = xlsx(
        [
            row(name_en="Paint", category_en="Walls", category_ru="Стены", stock="12.5"),
            row(name_en="Paint", category_en="walls", vat_rate="18%"),
            row(code="GLUE-1", name_en="Glue", name_az="Yapışqan", category_en="Floors"),
        ]
    )

    imported = await catalog_files.import_catalog(session, owner, data, clock.now())

    assert imported == catalog_files.Imported(added=3, updated=0, unchanged=0, categories_added=1)
    walls = (await session.scalars(select(Category).where(Category.position == 3))).one()
    assert walls.names == {"en": "Walls", "az": "Walls", "ru": "Стены"}
    added = list(await session.scalars(select(Product).where(Product.id > 4)))
    assert [(p.names["en"], p.category_id, p.stock, p.vat_rate) for p in added] == [
        ("Paint", walls.id, Decimal("12.500"), None),
        ("Paint", walls.id, None, Decimal("18.00")),
        ("Glue", 1, None, None),
    ]
    glue = added[2]
    assert (glue.code, glue.names, glue.search, glue.version) == (
        "GLUE-1",
        {"en": "Glue", "az": "Yapışqan", "ru": "Glue"},
        "glue\nyapisqan\nglue\nglue-1",
        1,
    )
    assert await counts(session) == (7, 3)


async def test_a_code_twice_in_the_file_is_named_on_its_second_row(
    session: AsyncSession, owner: Actor, clock: ManualClock
) -> None:
    await seed_catalog(session, clock.now())
    data = xlsx(
        [
            row(code="NEW-1", name_en="Tiles"),
            row(id=3, code="D-1", name_en="Oak door"),
            row(code="NEW-1", name_en="Tiles again"),
            row(code="D-1", name_en="Oak door"),
            row(id=2, code="LAM-8", name_en="Parquet"),
            row(id=99, name_en="Nothing"),
            row(id=3, name_en="Oak door"),
        ]
    )

    refused = await rejected(session, owner, data, clock)

    assert refused.problems == [
        Problem(4, "code", FileProblem.DUPLICATE),
        Problem(5, "code", FileProblem.DUPLICATE),
        Problem(6, "code", ErrorCode.CODE_TAKEN),
        Problem(7, "id", FileProblem.NO_PRODUCT),
        Problem(8, "id", FileProblem.DUPLICATE),
    ]
    assert await counts(session) == (4, 2)


async def test_a_measure_set_or_formula_changed_in_the_file_is_refused(
    session: AsyncSession, owner: Actor, clock: ManualClock
) -> None:
    await seed_catalog(session, clock.now())
    header = [*EDITABLE, "measure_set", "formula"]
    data = xlsx(
        [
            [*row(id=1, code="LAM-8", name_en="Laminate 8 mm", unit="m2"), "room", "length"],
            [*row(name_en="Tiles"), "Room", None],
        ],
        header,
    )

    refused = await rejected(session, owner, data, clock)

    assert refused.problems == [
        Problem(2, "formula", FileProblem.READ_ONLY),
        Problem(3, "measure_set", FileProblem.READ_ONLY),
    ]


async def test_a_manager_is_refused(session: AsyncSession, clock: ManualClock) -> None:
    await seed_catalog(session, clock.now())
    manager = actor(await add_user(session, 10, "manager", clock))
    with pytest.raises(AccessDenied):
        await catalog_files.export(session, manager)
    with pytest.raises(AccessDenied):
        await catalog_files.import_catalog(session, manager, xlsx([row()]), clock.now())
    assert await counts(session) == (4, 2)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"name_en,price\nChair,10\n", FileProblem.NOT_XLSX),
        (b"PK\x03\x04" + b"\x00" * 64, FileProblem.NOT_XLSX),
        (b"x" * (MAX_BYTES + 1), FileProblem.TOO_BIG),
        (xlsx([], header=[]), FileProblem.NO_HEADER),
    ],
)
async def test_a_file_that_is_no_catalog_is_refused_whole(
    session: AsyncSession, owner: Actor, clock: ManualClock, data: bytes, problem: FileProblem
) -> None:
    refused = await rejected(session, owner, data, clock)
    assert refused.problems == [Problem(0, "", problem)]
    assert await counts(session) == (0, 0)


async def test_more_rows_than_allowed_are_refused(
    session: AsyncSession, owner: Actor, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert MAX_ROWS == 10_000
    monkeypatch.setattr(catalog_sheet, "MAX_ROWS", 3)
    rows = [row(name_en=f"P{number}") for number in range(4)]

    refused = await rejected(session, owner, xlsx(rows), clock)

    assert refused.problems == [Problem(0, "", FileProblem.TOO_MANY_ROWS)]
    assert await counts(session) == (0, 0)
    # Blank rows are not counted.
    imported = await catalog_files.import_catalog(
        session, owner, xlsx([rows[0], [], rows[1], [None], rows[2]]), clock.now()
    )
    assert imported.added == 3


async def test_an_odd_header_names_its_columns(
    session: AsyncSession, owner: Actor, clock: ManualClock
) -> None:
    header = [c for c in EDITABLE if c != "price"] + ["colour", "Unit"]
    refused = await rejected(session, owner, xlsx([["x"]], header), clock)
    assert refused.problems == [
        Problem(1, "unit", FileProblem.DUPLICATE_COLUMN),
        Problem(1, "price", FileProblem.MISSING_COLUMN),
        Problem(1, "colour", FileProblem.UNKNOWN_COLUMN),
    ]


async def test_the_problems_told_are_capped(
    session: AsyncSession, owner: Actor, clock: ManualClock
) -> None:
    data = xlsx([row(price="free") for _ in range(60)])
    refused = await rejected(session, owner, data, clock)
    assert len(refused.problems) == 50 and refused.more == 10
    assert refused.problems[-1] == Problem(51, "price", ErrorCode.PRICE)


async def test_the_template_reads_back_as_one_new_product(
    session: AsyncSession, owner: Actor, clock: ManualClock
) -> None:
    data = catalog_files.template()
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Catalog", "Units"]
    assert [c.value for c in book["Units"]["A"]] == [
        "unit", "piece", "m", "m2", "m3", "kg", "l", "h", "set",
    ]  # fmt: skip
    validations = book["Catalog"].data_validations.dataValidation
    assert [(str(v.sqref), v.formula1) for v in validations] == [
        ("I2:I10001", '"piece,m,m2,m3,kg,l,h,set"'),
        ("M2:M10001", '"yes,no"'),
    ]

    imported = await catalog_files.import_catalog(session, owner, data, clock.now())

    assert imported == catalog_files.Imported(added=1, updated=0, unchanged=0, categories_added=1)
    made = (await session.scalars(select(Product))).one()
    assert (made.code, made.unit, made.price, made.vat_rate, made.stock) == (
        "LAM-8",
        "m2",
        Decimal("25.50"),
        Decimal(18),
        Decimal(120),
    )
