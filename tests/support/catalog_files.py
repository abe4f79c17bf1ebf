"""A small catalog written straight to the database, and workbooks made the way a spreadsheet
would save them, for the catalog file's tests."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.catalog import search_text
from services.catalog_sheet import COLUMNS
from services.db.catalog import Category, MeasureSet, Product

EDITABLE = tuple(c for c in COLUMNS if c not in ("measure_set", "formula"))


def names(en: str, az: str | None = None, ru: str | None = None) -> dict[str, str]:
    return {"en": en, "az": az or en, "ru": ru or en}


def product(now: datetime, en: str, price: str, **values: Any) -> Product:
    named = values.pop("names", None) or names(en)
    return Product(
        names=named,
        search=search_text(named, values.get("code")),
        unit=values.pop("unit", "piece"),
        price=Decimal(price),
        active=values.pop("active", True),
        created_at=now,
        updated_at=now,
        version=values.pop("version", 1),
        **values,
    )


async def seed_catalog(session: AsyncSession, now: datetime) -> list[Product]:
    """Floors (laminate by the room, with a code; parquet without one, switched off), Doors
    (an oak door), and a delivery without a category."""
    floors = Category(names=names("Floors", "Döşəmə", "Полы"), position=1)
    doors = Category(names=names("Doors", "Qapılar", "Двери"), position=2)
    room = MeasureSet(
        names=names("Room", "Otaq", "Комната"),
        inputs=[{"key": "length", "names": names("Length"), "unit": "m"}],
    )
    session.add_all([floors, doors, room])
    await session.flush()
    made = [
        product(
            now,
            "",
            "25.50",
            names=names("Laminate 8 mm", "Laminat 8 mm", "Ламинат 8 мм"),
            code="LAM-8",
            category_id=floors.id,
            unit="m2",
            vat_rate=Decimal(18),
            stock=Decimal("120.5"),
            measure_set_id=room.id,
            formula="ceil(length * 1.1)",
        ),
        product(now, "Parquet", "40", category_id=floors.id, unit="m2", active=False),
        product(now, "Oak door", "310.99", code="D-1", category_id=doors.id, version=3),
        product(now, "Delivery", "15", unit="set", vat_rate=Decimal("0.5")),
    ]
    session.add_all(made)
    await session.commit()
    return made


def xlsx(rows: Iterable[Sequence[object]], header: Sequence[str] = EDITABLE) -> bytes:
    """A workbook of a header and rows, as a spreadsheet saves it."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row(**values: object) -> list[object]:
    """A row of the editable columns: a new product's, unless told otherwise."""
    filled = {"name_en": "Skirting", "unit": "m", "price": 4} | values
    return [filled.get(column) for column in EDITABLE]


async def counts(session: AsyncSession) -> tuple[int, int]:
    """How many products and categories there are."""
    products = await session.scalar(select(func.count()).select_from(Product))
    categories = await session.scalar(select(func.count()).select_from(Category))
    return int(products or 0), int(categories or 0)


async def stored(session: AsyncSession) -> list[tuple[object, ...]]:
    """Every product as the database holds it, every column."""
    session.expire_all()
    rows = await session.scalars(select(Product).order_by(Product.id))
    return [tuple(getattr(p, c.key) for c in Product.__table__.columns) for p in rows]
