"""The catalog as managers and owners read it: categories, a category's products in pages, a
product, and the search behind inline mode (part of a name in any language, or of a code)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, func, not_, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import Actor, require_staff
from services.db.catalog import Category, MeasureSet, Product
from services.errors import NotFound

UNITS = ("piece", "m", "m2", "m3", "kg", "l", "h", "set")
PAGE = 8
SEARCH_PAGE = 10
QUERY_LENGTH = 64
_ESCAPE = "\\"


@dataclass(frozen=True)
class ProductView:
    product_id: int
    code: str | None
    names: Mapping[str, str]
    category_id: int | None
    unit: str
    price: Decimal
    vat_rate: Decimal | None
    photo_file_id: str | None
    stock: Decimal | None
    active: bool
    measure_set_id: int | None
    formula: str | None
    version: int


@dataclass(frozen=True)
class CategoryView:
    category_id: int
    names: Mapping[str, str]
    products: int


@dataclass(frozen=True)
class MeasureInput:
    key: str
    names: Mapping[str, str]
    unit: str


@dataclass(frozen=True)
class MeasureSetView:
    set_id: int
    names: Mapping[str, str]
    inputs: tuple[MeasureInput, ...]

    @property
    def keys(self) -> list[str]:
        return [i.key for i in self.inputs]


def fold(text: str) -> str:
    """A name as search compares it: lower case, without accents, dotted and dotless i as one
    letter, so "İşıq", "isiq" and "ışıq" find each other."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("ı", "i"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_text(names: Mapping[str, str], code: str | None) -> str:
    return "\n".join(fold(part) for part in (*names.values(), code or "") if part)


def name_in(names: Mapping[str, str], locale: str) -> str:
    return names.get(locale) or names.get("en") or next(iter(names.values()), "")


# ProductView's fields, by name.
_COLUMNS = (
    Product.id.label("product_id"),
    Product.code,
    Product.names,
    Product.category_id,
    Product.unit,
    Product.price,
    Product.vat_rate,
    Product.photo_file_id,
    Product.stock,
    Product.active,
    Product.measure_set_id,
    Product.formula,
    Product.version,
)


def view(product: Product) -> ProductView:
    return ProductView(
        product_id=product.id,
        code=product.code,
        names=dict(product.names),
        category_id=product.category_id,
        unit=product.unit,
        price=product.price,
        vat_rate=product.vat_rate,
        photo_file_id=product.photo_file_id,
        stock=product.stock,
        active=product.active,
        measure_set_id=product.measure_set_id,
        formula=product.formula,
        version=product.version,
    )


def set_view(row: MeasureSet) -> MeasureSetView:
    inputs = tuple(
        MeasureInput(i["key"], dict(i["names"]), str(i.get("unit", ""))) for i in row.inputs
    )
    return MeasureSetView(row.id, dict(row.names), inputs)


async def categories(session: AsyncSession, actor: Actor) -> list[CategoryView]:
    """Every category with how many products it holds (active ones; the owner's count all)."""
    require_staff(actor)
    counted = (
        select(Product.category_id, func.count().label("n"))
        .where(_shown(actor))
        .group_by(Product.category_id)
        .subquery()
    )
    rows = await session.execute(
        select(Category.id, Category.names, func.coalesce(counted.c.n, 0))
        .outerjoin(counted, counted.c.category_id == Category.id)
        .where(Category.deleted_at.is_(None))
        .order_by(Category.position, Category.id)
    )
    return [CategoryView(cid, dict(names), n) for cid, names, n in rows.all()]


async def uncategorised(session: AsyncSession, actor: Actor) -> int:
    require_staff(actor)
    return int(
        await session.scalar(
            select(func.count()).where(_shown(actor), Product.category_id.is_(None))
        )
        or 0
    )


async def page(
    session: AsyncSession, actor: Actor, category_id: int | None, number: int
) -> tuple[list[ProductView], int]:
    """One page of a category's products (None: those without one), and how many pages."""
    require_staff(actor)
    where = (
        Product.category_id.is_(None)
        if category_id is None
        else Product.category_id == category_id
    )
    total = int(await session.scalar(select(func.count()).where(_shown(actor), where)) or 0)
    pages = max(1, -(-total // PAGE))
    number = min(max(number, 0), pages - 1)
    rows = await session.scalars(
        select(Product)
        .where(_shown(actor), where)
        .order_by(Product.search, Product.id)
        .offset(number * PAGE)
        .limit(PAGE)
    )
    return [view(p) for p in rows.all()], pages


def _shown(actor: Actor) -> ColumnElement[bool]:
    """Managers see active products; owners every one, to switch them back on."""
    return true() if actor.is_owner else Product.active.is_(True)


async def search(
    session: AsyncSession, actor: Actor, text: str, offset: int
) -> tuple[list[ProductView], int | None]:
    """Active products whose name (any language) or code holds what was typed: those with a
    name or code that starts with it first, then the others, each in the order of their names;
    the offset of the next page, or None.

    Each part is read walking the index on (active, search) in order, so a search that many
    products match stops at the page's end: a search runs for every letter typed."""
    require_staff(actor)
    words = fold(" ".join(text.split())[:QUERY_LENGTH])
    if not words:
        return _paged(await _rows(session, [], offset, SEARCH_PAGE + 1), offset)
    pattern = words.replace(_ESCAPE, _ESCAPE * 2).replace("%", "\\%").replace("_", "\\_")
    # A name in any language, or the code, that starts with it (a line each in `search`).
    starts = or_(
        Product.search.like(f"{pattern}%", escape=_ESCAPE),
        Product.search.like(f"%\n{pattern}%", escape=_ESCAPE),
    )
    first = await _rows(session, [starts], offset, SEARCH_PAGE + 1)
    if len(first) > SEARCH_PAGE:
        return _paged(first, offset)
    before = offset + len(first) if first or not offset else await _count(session, starts)
    holds = Product.search.like(f"%{pattern}%", escape=_ESCAPE)
    rest = await _rows(
        session, [holds, not_(starts)], max(0, offset - before), SEARCH_PAGE + 1 - len(first)
    )
    return _paged(first + rest, offset)


async def _rows(
    session: AsyncSession, where: list[ColumnElement[bool]], offset: int, limit: int
) -> list[ProductView]:
    # `active = 1` (not a bare column) lets SQLite walk the index on (active, search) in order;
    # rows rather than entities.
    query = (
        select(*_COLUMNS)
        .where(Product.active == True, *where)  # noqa: E712
        .order_by(Product.search, Product.id)
        .offset(offset)
        .limit(limit)
    )
    return [ProductView(**row._asdict()) for row in (await session.execute(query)).all()]


async def _count(session: AsyncSession, where: ColumnElement[bool]) -> int:
    found = await session.scalar(
        select(func.count()).where(Product.active == True, where)  # noqa: E712
    )
    return int(found or 0)


def _paged(found: list[ProductView], offset: int) -> tuple[list[ProductView], int | None]:
    more = offset + SEARCH_PAGE if len(found) > SEARCH_PAGE else None
    return found[:SEARCH_PAGE], more


async def product(session: AsyncSession, actor: Actor, product_id: int) -> ProductView:
    require_staff(actor)
    found = await session.get(Product, product_id)
    if found is None or not (found.active or actor.is_owner):
        raise NotFound()
    return view(found)


async def measure_sets(session: AsyncSession, actor: Actor) -> list[MeasureSetView]:
    require_staff(actor)
    rows = await session.scalars(
        select(MeasureSet).where(MeasureSet.deleted_at.is_(None)).order_by(MeasureSet.id)
    )
    return [set_view(r) for r in rows.all()]


async def measure_set(session: AsyncSession, actor: Actor, set_id: int) -> MeasureSetView:
    require_staff(actor)
    row = await session.get(MeasureSet, set_id)
    if row is None or row.deleted_at is not None:
        raise NotFound()
    return set_view(row)
