"""Finding customers: /customer by a part of the name, a part of a phone or a request number,
and /customers, page by page, filtered by tag, source and last activity."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, false, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import Actor, require_staff
from services.customer_views import main_phone, phones_of, theirs, visible
from services.db.customers import Customer, CustomerPhone, CustomerTag, TagName, fold
from services.db.deals import Deal
from services.errors import NotFound
from services.ids import is_id

FIND_LIMIT = 20
PAGE_SIZE = 8
TAGS_OFFERED = 24
SOURCES = ("telegram", "web", "phone", "manual")
MIN_PHONE_DIGITS = 3
# E.164 numbers have at most 15 digits; a national trunk prefix ("0") adds one.
MAX_PHONE_DIGITS = 16
_NUMBER = re.compile(r"^#?\s*(\d{1,10})$")


class Activity(IntEnum):
    """The last-activity filter: any; a request active within 7 or 30 days; none for 30 days."""

    ANY = 0
    WEEK = 1
    MONTH = 2
    IDLE = 3


@dataclass(frozen=True)
class CustomerRow:
    customer_id: int
    name: str
    phone: str | None
    company: str | None
    deals: int
    last_activity_at: datetime


@dataclass(frozen=True)
class Found:
    rows: list[CustomerRow]
    more: bool


# A customer's last activity: their latest request's, else when they became a customer.
last_activity = func.coalesce(
    select(func.max(Deal.last_activity_at))
    .where(Deal.customer_id == Customer.id)
    .correlate(Customer)
    .scalar_subquery(),
    Customer.created_at,
)
deal_count = (
    select(func.count(Deal.id)).where(Deal.customer_id == Customer.id).correlate(Customer)
).scalar_subquery()


def by_name(text: str) -> ColumnElement[bool] | None:
    """A search with a letter in it looks for a part of a name, in any case."""
    words = fold(text)
    if re.search(r"[^\W\d_]", words):
        return Customer.name_key.contains(words, autoescape=True)
    return None


def by_number(text: str) -> list[Select[Any]]:
    """For a search with no letter: who has a phone holding three or more of its digits, and
    whose request has it as its number; each a query of customer ids, none merged into
    another (such a record has no request and no own number; a typed one may stay on it)."""
    words = " ".join(text.split())
    found: list[Select[Any]] = []
    number = _NUMBER.match(words)
    if number and is_id(int(number.group(1))):
        found.append(
            select(Deal.customer_id)
            .join(Customer, Customer.id == Deal.customer_id)
            .where(Deal.id == int(number.group(1)))
        )
    digits = re.sub(r"\D", "", words)
    if MIN_PHONE_DIGITS <= len(digits) <= MAX_PHONE_DIGITS and not re.search(
        r"[^\d\s()+#-]", words
    ):
        # A national number's leading trunk zero is not part of the stored E.164 form, and
        # whatever holds the digits holds them without it too.
        fragment = digits[1:] if digits.startswith("0") else digits
        found.append(select(Customer.id).where(_holds(Customer.phone, fragment)))
        found.append(
            select(CustomerPhone.customer_id)
            .join(Customer, Customer.id == CustomerPhone.customer_id)
            .where(_holds(CustomerPhone.phone, fragment), Customer.merged_into_id.is_(None))
        )
    return found


def _holds(phone: SQLColumnExpression[Any], fragment: str) -> ColumnElement[bool]:
    """The phone holds the digits. Two of them (what "050" leaves) make no trigram, and a
    PostgreSQL plan made for any digits would read a trigram index whole for them; written so
    that no index serves it, the search reads numbers until it has enough, which many hold."""
    if len(fragment) < MIN_PHONE_DIGITS:
        phone = phone.concat("")
    return phone.contains(fragment, autoescape=True)


def matching(text: str) -> ColumnElement[bool] | None:
    """Customers a search names (see by_name and by_number); None when it names nobody."""
    named = by_name(text)
    if named is not None:
        return named
    found = by_number(text)
    return Customer.id.in_(union(*found)) if found else None


async def _rows(session: AsyncSession, query: Select[Any]) -> list[CustomerRow]:
    result = (await session.execute(query)).all()
    phones = await phones_of(session, [customer for customer, _, _ in result])
    return [
        CustomerRow(c.id, c.name, main_phone(phones[c.id]), c.company, deals, last)
        for c, deals, last in result
    ]


async def find(session: AsyncSession, actor: Actor, text: str) -> Found:
    """The customers a search names, by name (at most FIND_LIMIT). Each way of finding them
    reads one narrow index and stops at FIND_LIMIT + 1 (on PostgreSQL a trigram index finds
    the rows): an OR across tables, or all the holders of a common run of digits gathered
    and sorted, would read them all."""
    require_staff(actor)
    shown = select(Customer, deal_count, last_activity).order_by(Customer.name_key, Customer.id)
    named = by_name(text)
    if named is not None:
        rows = await _rows(session, shown.where(named, visible(actor)).limit(FIND_LIMIT + 1))
        return Found(rows[:FIND_LIMIT], len(rows) > FIND_LIMIT)
    ids: set[int] = set()
    for query in by_number(text):
        # On SQLite the own numbers' query then reads the index on phone alone.
        ids.update(await session.scalars(query.where(theirs(actor)).limit(FIND_LIMIT + 1)))
    if not ids:
        return Found([], False)
    rows = await _rows(session, shown.where(Customer.id.in_(ids)))
    return Found(rows[:FIND_LIMIT], len(ids) > FIND_LIMIT)


@dataclass(frozen=True)
class Filters:
    search: str = ""
    tag_id: int = 0
    source: int = 0
    # An Activity's value.
    activity: int = Activity.ANY


@dataclass(frozen=True)
class CustomerList:
    rows: list[CustomerRow]
    total: int
    page: int
    pages: int
    filters: Filters
    tag: str | None


async def customers(
    session: AsyncSession, actor: Actor, page: int, filters: Filters, now: datetime
) -> CustomerList:
    """The customers the actor may see, most recently active first; `filters.source` is a
    position in SOURCES counted from 1 (0: every source)."""
    require_staff(actor)
    query = select(Customer, deal_count, last_activity).where(visible(actor))
    if filters.search:
        condition = matching(filters.search)
        # A search that can name nobody lists nobody.
        query = query.where(false() if condition is None else condition)
    tag = None
    if filters.tag_id:
        tag = await session.scalar(select(TagName.name).where(TagName.id == filters.tag_id))
        if tag is None:
            raise NotFound()
        tagged = select(CustomerTag.customer_id).where(CustomerTag.tag_id == filters.tag_id)
        query = query.where(Customer.id.in_(tagged))
    if filters.source:
        if not 1 <= filters.source <= len(SOURCES):
            raise NotFound()
        query = query.where(Customer.source == SOURCES[filters.source - 1])
    if filters.activity not in set(Activity):
        raise NotFound()
    if filters.activity == Activity.WEEK:
        query = query.where(last_activity >= now - timedelta(days=7))
    elif filters.activity == Activity.MONTH:
        query = query.where(last_activity >= now - timedelta(days=30))
    elif filters.activity == Activity.IDLE:
        query = query.where(last_activity < now - timedelta(days=30))
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    ordered = query.order_by(last_activity.desc(), Customer.id.desc())
    rows = await _rows(session, ordered.limit(PAGE_SIZE).offset(page * PAGE_SIZE))
    return CustomerList(rows, total, page, pages, filters, tag)


async def offered_tags(session: AsyncSession, actor: Actor) -> list[tuple[int, str]]:
    """Tags of the customers the actor may see, to filter by."""
    require_staff(actor)
    rows = await session.execute(
        select(TagName.id, TagName.name)
        .where(
            TagName.id.in_(
                select(CustomerTag.tag_id)
                .join(Customer, Customer.id == CustomerTag.customer_id)
                .where(visible(actor))
            )
        )
        .order_by(TagName.name)
        .limit(TAGS_OFFERED)
    )
    return [(tag_id, name) for tag_id, name in rows]
