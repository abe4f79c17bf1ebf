"""Changing a customer's card: its manager (of any of their requests) or an owner edits each
detail; every press carries the card's version, so one made on an older card changes nothing.
Each change is an event of the customer in the history, from → to."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import IntEnum

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services import events
from services.access import SUPPORTED_LOCALES, Actor
from services.customer_views import customer_of
from services.dates import parse_date
from services.db.customers import Customer, CustomerPhone, CustomerTag, TagName
from services.db.deals import Event
from services.errors import Conflict, ErrorCode, InvalidInput, NotFound
from services.phones import normalize_phone

CLEAR = "-"
MAX_PHONES = 5
MAX_TAGS = 6
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TAG = re.compile(r"^[\w\-+&.]{1,32}$")


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


async def _claim(session: AsyncSession, actor: Actor, customer_id: int, version: int) -> Customer:
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


def _record(
    session: AsyncSession,
    customer: Customer,
    actor: Actor,
    kind: str,
    now: datetime,
    before: object = None,
    after: object = None,
) -> None:
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
    customer = await _claim(session, actor, customer_id, version)
    column = _COLUMNS[detail]
    before = getattr(customer, column)
    setattr(customer, column, value)
    _record(session, customer, actor, column, now, before, value)
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
    customer = await _claim(session, actor, customer_id, version)
    _record(session, customer, actor, "language", now, customer.language, language)
    customer.language = language
    await session.commit()


async def add_phone(
    session: AsyncSession,
    actor: Actor,
    customer_id: int,
    version: int,
    text: str,
    region: str,
    now: datetime,
) -> str:
    """The number typed, in E.164, added to the card (a number identifies nobody)."""
    try:
        phone = normalize_phone(text, region)
    except InvalidInput as error:
        raise InvalidInput(ErrorCode.CUSTOMER_PHONE) from error
    customer = await _claim(session, actor, customer_id, version)
    typed = list(
        await session.scalars(
            select(CustomerPhone.phone).where(CustomerPhone.customer_id == customer.id)
        )
    )
    if phone == customer.phone or phone in typed:
        raise InvalidInput(ErrorCode.PHONE_ON_CARD)
    if len(typed) >= MAX_PHONES:
        raise InvalidInput(ErrorCode.TOO_MANY_PHONES)
    session.add(CustomerPhone(customer_id=customer.id, phone=phone, main=False))
    _record(session, customer, actor, "phone_added", now, None, phone)
    await session.commit()
    return phone


async def make_main(
    session: AsyncSession,
    actor: Actor,
    customer_id: int,
    version: int,
    phone_id: int,
    now: datetime,
) -> None:
    """`phone_id` 0 makes the customer's own number the main one again."""
    customer = await _claim(session, actor, customer_id, version)
    phone = customer.phone
    if phone_id:
        phone = await _typed(session, customer.id, phone_id)
    if phone is None:
        raise NotFound()
    await session.execute(
        update(CustomerPhone)
        .where(CustomerPhone.customer_id == customer.id)
        .values(main=CustomerPhone.id == phone_id)
    )
    _record(session, customer, actor, "main_phone", now, None, phone)
    await session.commit()


async def remove_phone(
    session: AsyncSession,
    actor: Actor,
    customer_id: int,
    version: int,
    phone_id: int,
    now: datetime,
) -> str:
    """A typed number taken off the card (the customer's own number stays)."""
    customer = await _claim(session, actor, customer_id, version)
    phone = await _typed(session, customer.id, phone_id)
    await session.execute(delete(CustomerPhone).where(CustomerPhone.id == phone_id))
    _record(session, customer, actor, "phone_removed", now, phone, None)
    await session.commit()
    return phone


async def _typed(session: AsyncSession, customer_id: int, phone_id: int) -> str:
    phone = await session.scalar(
        select(CustomerPhone.phone).where(
            CustomerPhone.id == phone_id, CustomerPhone.customer_id == customer_id
        )
    )
    if phone is None:
        raise NotFound()
    return phone


def read_tags(text: str) -> list[str]:
    """Words typed as tags, lowercased, without a leading #."""
    words = [w.lstrip("#").lower() for w in re.split(r"[\s,]+", text) if w.lstrip("#")]
    if not words or any(not _TAG.match(w) for w in words):
        raise InvalidInput(ErrorCode.TAG)
    return list(dict.fromkeys(words))


async def add_tags(
    session: AsyncSession,
    actor: Actor,
    customer_id: int,
    version: int,
    text: str,
    now: datetime,
) -> list[str]:
    """The tags typed, those the customer lacks added; MAX_TAGS at most on a customer."""
    words = read_tags(text)
    customer = await _claim(session, actor, customer_id, version)
    have = set(
        await session.scalars(
            select(TagName.name)
            .join(CustomerTag, CustomerTag.tag_id == TagName.id)
            .where(CustomerTag.customer_id == customer.id)
        )
    )
    new = [w for w in words if w not in have]
    if len(have) + len(new) > MAX_TAGS:
        raise InvalidInput(ErrorCode.TAG)
    for word in new:
        tag_id = await session.scalar(select(TagName.id).where(TagName.name == word))
        if tag_id is None:
            tag = TagName(name=word)
            session.add(tag)
            await session.flush()
            tag_id = tag.id
        session.add(CustomerTag(customer_id=customer.id, tag_id=tag_id))
        _record(session, customer, actor, "tag_added", now, None, word)
    await session.commit()
    return new


async def remove_tag(
    session: AsyncSession,
    actor: Actor,
    customer_id: int,
    version: int,
    tag_id: int,
    now: datetime,
) -> str:
    customer = await _claim(session, actor, customer_id, version)
    name = await session.scalar(
        select(TagName.name)
        .join(CustomerTag, CustomerTag.tag_id == TagName.id)
        .where(CustomerTag.customer_id == customer.id, TagName.id == tag_id)
    )
    if name is None:
        raise NotFound()
    await session.execute(
        delete(CustomerTag).where(
            CustomerTag.customer_id == customer.id, CustomerTag.tag_id == tag_id
        )
    )
    _record(session, customer, actor, "tag_removed", now, name, None)
    await session.commit()
    return name
