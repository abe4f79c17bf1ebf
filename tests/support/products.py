"""Products written straight into the catalog, for tests of what is sold on a deal."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from services.catalog import search_text
from services.db.catalog import Category, MeasureSet, Product
from services.db.session import AsyncSession

NOW = datetime(2026, 3, 1, tzinfo=UTC)
ROOM_INPUTS = [
    {"key": "length", "names": {"en": "Length", "az": "Uzunluq", "ru": "Длина"}, "unit": "m"},
    {"key": "width", "names": {"en": "Width", "az": "En", "ru": "Ширина"}, "unit": "m"},
]


def names(en: str, az: str | None = None, ru: str | None = None) -> dict[str, str]:
    return {"en": en, "az": az or en, "ru": ru or en}


async def product(
    session: AsyncSession,
    name: dict[str, str],
    price: str,
    unit: str = "piece",
    *,
    code: str | None = None,
    vat: str | None = None,
    category_id: int | None = None,
    measure_set_id: int | None = None,
    formula: str | None = None,
    active: bool = True,
) -> Product:
    row = Product(
        code=code,
        names=name,
        search=search_text(name, code),
        category_id=category_id,
        unit=unit,
        price=Decimal(price),
        vat_rate=Decimal(vat) if vat else None,
        active=active,
        measure_set_id=measure_set_id,
        formula=formula,
        created_at=NOW,
        updated_at=NOW,
        version=1,
    )
    session.add(row)
    await session.flush()
    return row


async def category(session: AsyncSession, name: dict[str, str], position: int = 1) -> Category:
    row = Category(names=name, position=position)
    session.add(row)
    await session.flush()
    return row


async def room(session: AsyncSession) -> MeasureSet:
    row = MeasureSet(names=names("Room", "Otaq", "Комната"), inputs=ROOM_INPUTS)
    session.add(row)
    await session.flush()
    return row
