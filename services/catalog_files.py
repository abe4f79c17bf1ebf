"""The whole catalog as an .xlsx workbook, for the owner to edit in a spreadsheet and send back.

One row a product, active or not (services/catalog_sheet.py names the columns). On import,
every row is read and checked before anything is written: a file with any mistake is refused
whole, each mistake named by its row and column, and nothing changes. Otherwise, in one
transaction, a row with an `id` updates that product, a row with only a `code` updates the
product of that code or adds one, and a row with neither adds one. Products the file leaves
out stay as they are, as do existing categories' names; a category is found by its English
name and added when there is none. A product's measure set and formula are set in the bot:
the file shows them, and a row must leave them as they are."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services import catalog_rows, catalog_sheet
from services.access import SUPPORTED_LOCALES, Actor, require_owner
from services.catalog import fold, name_in
from services.catalog_rows import RowIn
from services.catalog_sheet import CatalogFileRejected
from services.db.catalog import Category, MeasureSet, Product
from services.errors import Conflict, ErrorCode
from services.sheet_problems import FileProblem, Problem
from services.workbooks import MAX_BYTES, MAX_ROWS

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "CatalogFileRejected",
    "FileProblem",
    "Imported",
    "Problem",
    "export",
    "import_catalog",
    "template",
]

_INSERTED = 1000


@dataclass(frozen=True)
class Imported:
    added: int
    updated: int
    # Rows that say what their product already is: left as they are, their version too.
    unchanged: int
    categories_added: int


async def export(session: AsyncSession, actor: Actor) -> bytes:
    """Every product, by category (in the order the catalog shows them, those without one last)
    and name."""
    require_owner(actor)
    categories = {c.id: c for c in await session.scalars(select(Category))}
    sets = {s.id: s for s in await session.scalars(select(MeasureSet))}
    products = sorted(
        await session.scalars(select(Product)),
        key=lambda p: (*_category_order(categories.get(p.category_id or 0)), p.search, p.id),
    )
    rows = [_written(p, categories.get(p.category_id or 0), sets) for p in products]
    return await asyncio.to_thread(catalog_sheet.workbook, rows)


def template() -> bytes:
    """The columns with one example row, and the units allowed on a sheet of their own."""
    return catalog_sheet.workbook([catalog_sheet.EXAMPLE], example=True)


def _category_order(category: Category | None) -> tuple[int, int, int]:
    if category is None:
        return (1, 0, 0)
    return (0, category.position, category.id)


def _written(
    product: Product, category: Category | None, sets: dict[int, MeasureSet]
) -> list[object]:
    names = [name_in(product.names, locale) for locale in SUPPORTED_LOCALES]
    category_names = [
        name_in(category.names, locale) if category else None for locale in SUPPORTED_LOCALES
    ]
    measure_set = sets.get(product.measure_set_id or 0)
    return [
        product.id,
        product.code,
        *names,
        *category_names,
        product.unit,
        product.price,
        product.vat_rate,
        product.stock,
        catalog_sheet.YES if product.active else catalog_sheet.NO,
        name_in(measure_set.names, "en") if measure_set else None,
        product.formula,
    ]


async def import_catalog(
    session: AsyncSession, actor: Actor, data: bytes, now: datetime
) -> Imported:
    """All of the file, committed; or CatalogFileRejected (every mistake, by row and column)
    and the unit of work rolled back, what the caller wrote in it too, so nothing changes."""
    try:
        imported = await _imported(session, actor, data, now)
        await session.commit()
    except Exception:
        await session.rollback()
        raise
    session.expire_all()
    return imported


@dataclass
class _Known:
    """What the catalog holds now, to match the file's rows against."""

    products: dict[int, Product]
    by_code: dict[str, Product]
    sets: dict[int, MeasureSet]
    # By folded English name; the first in the catalog's order when several share one.
    categories: dict[str, Category]


async def _known(session: AsyncSession) -> _Known:
    products = {p.id: p for p in await session.scalars(select(Product))}
    categories: dict[str, Category] = {}
    for category in await session.scalars(
        select(Category)
        .where(Category.deleted_at.is_(None))
        .order_by(Category.position, Category.id)
    ):
        categories.setdefault(fold(name_in(category.names, "en")), category)
    return _Known(
        products=products,
        by_code={p.code: p for p in products.values() if p.code},
        sets={s.id: s for s in await session.scalars(select(MeasureSet))},
        categories=categories,
    )


async def _imported(session: AsyncSession, actor: Actor, data: bytes, now: datetime) -> Imported:
    require_owner(actor)
    parsed = await asyncio.to_thread(_parsed, data)
    problems = [problem for _row, found in parsed for problem in found]
    known = await _known(session)
    matched = _matched([row for row, _found in parsed if row is not None], known, problems)
    if problems:
        raise CatalogFileRejected(problems)
    categories_added = await _add_categories(session, [row for row, _ in matched], known)
    added: list[dict[str, Any]] = []
    updated = unchanged = 0
    for row, product in matched:
        values = _values(row, known)
        if product is None:
            added.append(
                {
                    **values,
                    "photo_file_id": None,
                    "measure_set_id": None,
                    "formula": None,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
        elif _same(product, values):
            unchanged += 1
        else:
            await _update(session, product, values, now)
            updated += 1
    # In parts, so that other chats' updates are handled between them.
    for start in range(0, len(added), _INSERTED):
        await session.execute(insert(Product), added[start : start + _INSERTED])
    return Imported(len(added), updated, unchanged, categories_added)


def _parsed(data: bytes) -> list[tuple[RowIn | None, list[Problem]]]:
    """Each row read (blocking work: in a thread)."""
    sheet = catalog_sheet.read(data)
    return [catalog_rows.parse(number, values, sheet.columns) for number, values in sheet.rows]


def _matched(
    rows: Sequence[RowIn], known: _Known, problems: list[Problem]
) -> list[tuple[RowIn, Product | None]]:
    """Each row with the product it updates (None: a new one); a row that names a product
    there is not, one another row names, or a code taken, is a problem."""
    products: set[int] = set()
    codes: set[str] = set()
    matched: list[tuple[RowIn, Product | None]] = []
    for row in rows:
        if row.product_id is not None:
            product = known.products.get(row.product_id)
            if product is None:
                problems.append(Problem(row.number, "id", FileProblem.NO_PRODUCT))
                continue
        else:
            product = known.by_code.get(row.code) if row.code else None
        if product is not None and product.id in products:
            by = "id" if row.product_id is not None else "code"
            problems.append(Problem(row.number, by, FileProblem.DUPLICATE))
            continue
        if row.code is not None and row.code in codes:
            problems.append(Problem(row.number, "code", FileProblem.DUPLICATE))
            continue
        holder = known.by_code.get(row.code) if row.code else None
        if holder is not None and holder is not product:
            problems.append(Problem(row.number, "code", ErrorCode.CODE_TAKEN))
            continue
        if product is not None:
            products.add(product.id)
        if row.code is not None:
            codes.add(row.code)
        problems.extend(_read_only(row, product, known))
        matched.append((row, product))
    return matched


def _read_only(row: RowIn, product: Product | None, known: _Known) -> list[Problem]:
    """The measure set and formula, when the file has them, as the product has them."""
    found = []
    measure_set = known.sets.get(product.measure_set_id or 0) if product else None
    set_name = name_in(measure_set.names, "en") if measure_set else ""
    if row.measure_set is not None and fold(row.measure_set) != fold(set_name):
        found.append(Problem(row.number, "measure_set", FileProblem.READ_ONLY))
    formula = catalog_rows.text(product.formula) if product else ""
    if row.formula is not None and row.formula != formula:
        found.append(Problem(row.number, "formula", FileProblem.READ_ONLY))
    return found


async def _add_categories(session: AsyncSession, rows: Sequence[RowIn], known: _Known) -> int:
    """The categories the rows name that the catalog has not, after the last one."""
    last = await session.scalar(select(func.max(Category.position))) or 0
    made: list[Category] = []
    for row in rows:
        if row.category is None or fold(row.category["en"]) in known.categories:
            continue
        category = Category(names=row.category, position=last + len(made) + 1)
        known.categories[fold(row.category["en"])] = category
        made.append(category)
    session.add_all(made)
    await session.flush()
    return len(made)


def _values(row: RowIn, known: _Known) -> dict[str, Any]:
    category = known.categories[fold(row.category["en"])] if row.category else None
    return {
        "code": row.code,
        "names": row.names,
        "search": row.search,
        "category_id": category.id if category else None,
        "unit": row.unit,
        "price": row.price,
        "vat_rate": row.vat_rate,
        "stock": row.stock,
        "active": row.active,
    }


def _same(product: Product, values: dict[str, Any]) -> bool:
    names = {locale: name_in(product.names, locale) for locale in SUPPORTED_LOCALES}
    return names == values["names"] and all(
        getattr(product, key) == value
        for key, value in values.items()
        if key not in ("names", "search")
    )


async def _update(
    session: AsyncSession, product: Product, values: dict[str, Any], now: datetime
) -> None:
    """On the version read, so a product changed in the meantime refuses the whole file."""
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(Product)
            .where(Product.id == product.id, Product.version == product.version)
            .values(version=product.version + 1, updated_at=now, **values)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise Conflict()
