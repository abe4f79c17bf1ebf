"""Changing a customer's card: its manager (of any of their requests) or an owner edits each
detail; every press carries the card's version, so one made on an older card changes nothing.
Each change is an event of the customer in the history, from → to."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import IntEnum

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from services import events
from services.access import SUPPORTED_LOCALES, Actor
from services.customer_views import customer_of
from services.dates import parse_date
from services.db.customers import Customer
from services.db.deals import Event
from services.errors import Conflict, ErrorCode, InvalidInput, NotFound

CLEAR = "-"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Detail(IntEnum):
    """A detail typed on the card; its number is in the buttons' data."""

    NAME = 1
    EMAIL = 2
    COMPANY = 3
    ADDRESS = 4
    NOTES = 5
    BIRTHDAY = 6


_LIMITS = {
    Detail.NAME: 256,
    Detail.COMPANY: 128,
    Detail.ADDRESS: 256,
    Detail.NOTES: 1000,
}
_COLUMNS = {
    Detail.NAME: "name",
    Detail.EMAIL: "email",
    Detail.COMPANY: "company",
    Detail.ADDRESS: "address",
    Detail.NOTES: "notes",
    Detail.BIRTHDAY: "birthday",
}


class StaleCustomer(Conflict):
    """The card's version is not the customer's: nothing changed; the card is redrawn."""

    code = ErrorCode.STALE_CUSTOMER


async def claim(session: AsyncSession, actor: Actor, customer_id: int, version: int) -> Customer:
    """The customer, once their version moved on from the one the card showed."""
    customer = await customer_of(session, actor, customer_id)
    moved = await session.execute(
        update(Customer)
        .where(Customer.id == customer_id, Customer.version == version)
        .values(version=version + 1)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleCustomer()
    customer.version = version + 1
    return customer


def record(
    session: AsyncSession,
    customer: Customer,
    actor: Actor,
    kind: str,
    now: datetime,
    before: object = None,
    after: object = None,
) -> None:
    """A change of the customer's card in their history: `customer_<kind>`, from → to."""
    row = events.noted(None, actor.user_id, f"customer_{kind}", now, before, after)
    session.add(Event(**row, customer_id=customer.id))


def read_detail(detail: Detail, text: str, today: date) -> str | date | None:
    """A typed value as it is kept; "-" clears it (not the name)."""
    value = " ".join(text.split()) if detail != Detail.NOTES else text.strip()
    if value == CLEAR and detail != Detail.NAME:
        return None
    if detail == Detail.EMAIL:
        if len(value) > 254 or not _EMAIL.match(value):
            raise InvalidInput(ErrorCode.EMAIL)
        return value
    if detail == Detail.BIRTHDAY:
        born = parse_date(value, ErrorCode.BIRTHDAY)
        if not date(1900, 1, 1) <= born <= today:
            raise InvalidInput(ErrorCode.BIRTHDAY)
        return born
    if not value or len(value) > _LIMITS[detail]:
        raise InvalidInput(ErrorCode.CUSTOMER_TEXT)
    return value


async def set_detail(
    session: AsyncSession,
    actor: Actor,
    customer_id: int,
    version: int,
    detail: Detail,
    text: str,
    now: datetime,
) -> None:
    value = read_detail(detail, text, now.date())
    customer = await claim(session, actor, customer_id, version)
    column = _COLUMNS[detail]
    before = getattr(customer, column)
    setattr(customer, column, value)
    record(session, customer, actor, column, now, before, value)
    await session.commit()


async def set_language(
    session: AsyncSession,
    actor: Actor,
    customer_id: int,
    version: int,
    index: int,
    now: datetime,
) -> None:
    """`index` counts SUPPORTED_LOCALES from 1; 0 clears the language."""
    if not 0 <= index <= len(SUPPORTED_LOCALES):
        raise NotFound()
    language = SUPPORTED_LOCALES[index - 1] if index else None
    customer = await claim(session, actor, customer_id, version)
    record(session, customer, actor, "language", now, customer.language, language)
    customer.language = language
    await session.commit()
