"""The company's details as its documents print them, set by an owner: per language the name,
address, tax number, bank details and footer; one logo for all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import SUPPORTED_LOCALES, Actor, require_owner
from services.db.documents import CompanyDetails, CompanyLogo, PaymentSettings
from services.document_content import DETAILS
from services.errors import ErrorCode, InvalidInput

# Bank details and a footer may take a few lines; a name or a tax number does not.
LIMITS = {"name": 200, "address": 500, "tax_number": 64, "bank": 1000, "footer": 1000}
MAX_LOGO_BYTES = 1024 * 1024
CLEAR = "-"


@dataclass(frozen=True)
class Company:
    # By language, each detail ("" when not given).
    details: dict[str, dict[str, str]]
    has_logo: bool
    # Whether customers can pay invoices in Telegram (a payment provider token is set).
    payments: bool


async def show(session: AsyncSession, actor: Actor) -> Company:
    require_owner(actor)
    rows = {row.locale: row for row in await session.scalars(select(CompanyDetails))}
    details = {
        locale: {name: getattr(rows[locale], name) if locale in rows else "" for name in DETAILS}
        for locale in SUPPORTED_LOCALES
    }
    has_logo = await session.get(CompanyLogo, 1) is not None
    payments = await session.get(PaymentSettings, 1) is not None
    return Company(details, has_logo, payments)


async def set_detail(
    session: AsyncSession, actor: Actor, locale: str, name: str, text: str, now: datetime
) -> Company:
    """One detail in one language; "-" clears it. Lines are kept, each trimmed."""
    require_owner(actor)
    if locale not in SUPPORTED_LOCALES or name not in DETAILS:
        raise InvalidInput()
    value = "\n".join(line.strip() for line in text.strip().splitlines() if line.strip())
    if value == CLEAR:
        value = ""
    if not value and text.strip() != CLEAR:
        raise InvalidInput(ErrorCode.COMPANY_DETAIL)
    if len(value) > LIMITS[name] or (name in ("name", "tax_number") and "\n" in value):
        raise InvalidInput(ErrorCode.COMPANY_DETAIL)
    row = await session.get(CompanyDetails, locale)
    if row is None:
        row = CompanyDetails(locale=locale, **dict.fromkeys(DETAILS, ""))
        session.add(row)
    setattr(row, name, value)
    row.updated_at = now
    await session.commit()
    return await show(session, actor)


async def set_logo(session: AsyncSession, actor: Actor, data: bytes, now: datetime) -> Company:
    require_owner(actor)
    if not data or len(data) > MAX_LOGO_BYTES:
        raise InvalidInput(ErrorCode.LOGO)
    row = await session.get(CompanyLogo, 1)
    if row is None:
        session.add(CompanyLogo(id=1, data=data, updated_at=now))
    else:
        row.data, row.updated_at = data, now
    await session.commit()
    return await show(session, actor)


async def logo(session: AsyncSession) -> bytes | None:
    row = await session.get(CompanyLogo, 1)
    return row.data if row is not None else None
