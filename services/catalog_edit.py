"""The owner keeps the catalog: products and their every attribute, categories, measure sets.

A product's edit is a conditional UPDATE on the version its card showed, as a deal's is, so a
press on an out-of-date card changes nothing."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import SUPPORTED_LOCALES, Actor, require_owner
from services.amounts import parse_amount, parse_number
from services.catalog import UNITS, ProductView, search_text, view
from services.db.catalog import Category, Product
from services.errors import Conflict, ErrorCode, InvalidInput, NotFound

NAME_LENGTH = 128
CODE = re.compile(r"^[\w.\-/]{1,32}$")
MAX_VAT = Decimal(100)
MAX_STOCK = Decimal(10) ** 9


class StaleProduct(Conflict):
    """The card's version is not the product's: here it is as it is now."""

    code = ErrorCode.STALE_CARD

    def __init__(self, product: ProductView) -> None:
        super().__init__()
        self.product = product


def parse_names(text: str, code: ErrorCode = ErrorCode.PRODUCT_NAME) -> dict[str, str]:
    """ "Laminate / Laminat / Ламинат" names it in English, Azerbaijani and Russian; one name
    is used in every language."""
    parts = [" ".join(p.split()) for p in text.split("/")]
    parts = [p for p in parts if p]
    if not 1 <= len(parts) <= len(SUPPORTED_LOCALES) or any(len(p) > NAME_LENGTH for p in parts):
        raise InvalidInput(code)
    if len(parts) == 1:
        parts = parts * len(SUPPORTED_LOCALES)
    if len(parts) != len(SUPPORTED_LOCALES):
        raise InvalidInput(code)
    return dict(zip(SUPPORTED_LOCALES, parts, strict=True))


def parse_code(text: str) -> str | None:
    """A product's code as typed; "-" clears it."""
    code = text.strip()
    if code == "-":
        return None
    if not CODE.match(code):
        raise InvalidInput(ErrorCode.PRODUCT_CODE)
    return code


def parse_vat(text: str, locale: str) -> Decimal | None:
    """A VAT rate in percent ("18", "18%"); "0" or "-" means none."""
    raw = text.strip().removesuffix("%").strip()
    if raw == "-":
        return None
    rate = parse_number(raw, locale, ErrorCode.VAT_RATE)
    if not Decimal(0) <= rate < MAX_VAT or rate != rate.quantize(Decimal("0.01")):
        raise InvalidInput(ErrorCode.VAT_RATE)
    return rate or None


def parse_stock(text: str, locale: str) -> Decimal | None:
    raw = text.strip()
    if raw == "-":
        return None
    stock = parse_number(raw, locale, ErrorCode.STOCK)
    if not Decimal(0) <= stock < MAX_STOCK or stock != stock.quantize(Decimal("0.001")):
        raise InvalidInput(ErrorCode.STOCK)
    return stock


def parse_price(text: str, locale: str) -> Decimal:
    try:
        return parse_amount(text, locale)
    except InvalidInput as error:
        raise InvalidInput(ErrorCode.PRICE) from error


async def add_product(
    session: AsyncSession, actor: Actor, names: str, price: str, unit: str, now: datetime
) -> ProductView:
    require_owner(actor)
    if unit not in UNITS:
        raise InvalidInput(ErrorCode.INVALID_INPUT)
    named = parse_names(names)
    product = Product(
        names=named,
        search=search_text(named, None),
        unit=unit,
        price=parse_price(price, actor.locale),
        active=True,
        created_at=now,
        updated_at=now,
        version=1,
    )
    session.add(product)
    await session.commit()
    return view(product)


async def edit(
    session: AsyncSession,
    actor: Actor,
    product_id: int,
    seen: int,
    now: datetime,
    **values: Any,
) -> ProductView:
    """Set the given attributes (already read from what the owner typed or pressed)."""
    require_owner(actor)
    product = await _product(session, product_id)
    if "names" in values or "code" in values:
        values["search"] = search_text(
            values.get("names", product.names), values.get("code", product.code)
        )
    if values.get("code") and await _code_taken(session, values["code"], product_id):
        raise InvalidInput(ErrorCode.CODE_TAKEN)
    if "unit" in values and values["unit"] not in UNITS:
        raise InvalidInput(ErrorCode.INVALID_INPUT)
    if values.get("category_id") is not None:
        category = await session.get(Category, values["category_id"])
        if category is None or category.deleted_at is not None:
            raise NotFound()
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(Product)
            .where(Product.id == product_id, Product.version == seen)
            .values(version=seen + 1, updated_at=now, **values)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        await session.rollback()
        raise StaleProduct(view(await _product(session, product_id)))
    await session.commit()
    session.expire_all()
    return view(await _product(session, product_id))


async def _product(session: AsyncSession, product_id: int) -> Product:
    found = await session.get(Product, product_id)
    if found is None:
        raise NotFound()
    return found


async def _code_taken(session: AsyncSession, code: str, product_id: int) -> bool:
    other = await session.scalar(
        select(Product.id).where(Product.code == code, Product.id != product_id)
    )
    return other is not None


async def add_category(
    session: AsyncSession, actor: Actor, names: str, now: datetime
) -> tuple[int, Mapping[str, str]]:
    require_owner(actor)
    named = parse_names(names)
    last = await session.scalar(select(func.max(Category.position)))
    category = Category(names=named, position=(last or 0) + 1)
    session.add(category)
    await session.commit()
    return category.id, named


async def rename_category(
    session: AsyncSession, actor: Actor, category_id: int, names: str
) -> Mapping[str, str]:
    require_owner(actor)
    category = await _category(session, category_id)
    category.names = parse_names(names)
    await session.commit()
    return category.names


async def delete_category(
    session: AsyncSession, actor: Actor, category_id: int, now: datetime
) -> None:
    """The category goes; its products stay, without a category."""
    require_owner(actor)
    category = await _category(session, category_id)
    category.deleted_at = now
    await session.execute(
        update(Product)
        .where(Product.category_id == category_id)
        .values(category_id=None)
        .execution_options(synchronize_session=False)
    )
    await session.commit()


async def _category(session: AsyncSession, category_id: int) -> Category:
    category = await session.get(Category, category_id)
    if category is None or category.deleted_at is not None:
        raise NotFound()
    return category
