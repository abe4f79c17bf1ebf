"""The business's way of selling: whether prices include VAT, and how large a discount a
manager may give on their own (the owner approves a larger one with a tap)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.access import Actor, require_owner
from services.amounts import parse_number
from services.db.catalog import SalesSettings
from services.errors import ErrorCode, InvalidInput

ROW = 1
DEFAULT_LIMIT = Decimal(10)


@dataclass(frozen=True)
class Sales:
    vat_included: bool
    manager_limit: Decimal


DEFAULTS = Sales(vat_included=True, manager_limit=DEFAULT_LIMIT)


async def current(session: AsyncSession) -> Sales:
    row = await session.get(SalesSettings, ROW)
    if row is None:
        return DEFAULTS
    return Sales(row.vat_included, row.manager_discount_limit)


async def set_vat(session: AsyncSession, actor: Actor, included: bool, now: datetime) -> Sales:
    """Prices include VAT, or it is added on top: for the items added from now on to requests
    without items; a request's items keep the mode they were added in."""
    require_owner(actor)
    return await _put(session, now, included, (await current(session)).manager_limit)


async def set_limit(session: AsyncSession, actor: Actor, text: str, now: datetime) -> Sales:
    """The limit in percent, 0 to 100, as typed ("10", "7,5%")."""
    require_owner(actor)
    limit = parse_number(text.strip().removesuffix("%"), actor.locale, ErrorCode.DISCOUNT_LIMIT)
    if not Decimal(0) <= limit <= Decimal(100) or limit != limit.quantize(Decimal("0.01")):
        raise InvalidInput(ErrorCode.DISCOUNT_LIMIT)
    return await _put(session, now, (await current(session)).vat_included, limit)


async def _put(session: AsyncSession, now: datetime, included: bool, limit: Decimal) -> Sales:
    row = await session.get(SalesSettings, ROW)
    if row is None:
        row = SalesSettings(id=ROW)
        session.add(row)
    row.vat_included, row.manager_discount_limit, row.updated_at = included, limit, now
    await session.commit()
    return Sales(included, limit)
