"""The owner's customers file taken in whole or not at all. Every row is read and checked
before anything is written: a file with any mistake is refused, each mistake named by its row
and column, and nothing changes. Otherwise, in one transaction, a row with an id updates that
customer (their card's version moves on) and a row without one adds a customer entered by
hand. A phone in the file is a typed number on the card; one that is another customer's own
number (from their Telegram, a call or a form) refuses the row: an import merges nobody.
The import is recorded as an event (who, how many added and updated), and in the history of
each customer it wrote."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services import customer_sheet, events
from services.access import Actor, require_owner
from services.customer_import_rows import RowIn, parse
from services.customer_phones import MAX_PHONES
from services.customer_sheet import CustomerFileRejected, Problem, SheetProblem
from services.db.customers import Customer, CustomerPhone, CustomerTag, TagName, fold
from services.errors import Conflict, ErrorCode
from services.lead_sources import MANUAL

IMPORTED = "customers_imported"
# In each written customer's history.
CUSTOMER_IMPORTED = "customer_imported"
_PHONES_AT_A_TIME = 5000


@dataclass(frozen=True)
class Imported:
    added: int
    updated: int


async def import_customers(
    session: AsyncSession,
    actor: Actor,
    data: bytes,
    is_csv: bool,
    titles: Mapping[str, str],
    region: str,
    now: datetime,
) -> Imported:
    """All of the file, committed; or CustomerFileRejected (every mistake, by row and
    column) and the unit of work rolled back, so nothing changes."""
    try:
        imported = await _imported(session, actor, data, is_csv, titles, region, now)
        await session.commit()
    except Exception:
        await session.rollback()
        raise
    session.expire_all()
    return imported


async def _imported(
    session: AsyncSession,
    actor: Actor,
    data: bytes,
    is_csv: bool,
    titles: Mapping[str, str],
    region: str,
    now: datetime,
) -> Imported:
    require_owner(actor)
    # Reading and checking ten thousand rows takes seconds: not on the loop other chats wait on.
    parsed = await asyncio.to_thread(_parsed, data, is_csv, titles, region, now.date())
    problems = [problem for _row, found in parsed for problem in found]
    rows = [row for row, _found in parsed if row is not None]
    known = await _matched(session, rows, problems)
    if problems:
        raise CustomerFileRejected(problems)
    tags: dict[str, int] = {}
    history: list[events.EventRow] = []
    for row in rows:
        customer = known.get(row.customer_id or 0)
        if customer is None:
            customer = Customer(source=MANUAL, created_at=now, **row.values)
            session.add(customer)
            await session.flush()
        else:
            await _update(session, customer, row.values)
        await _set_phones(session, customer, row.phones)
        await _set_tags(session, customer.id, row.tags, tags)
        event = events.noted(None, actor.user_id, CUSTOMER_IMPORTED, now)
        history.append({**event, "customer_id": customer.id})
    await events.record_all(session, history)
    added = sum(1 for row in rows if row.customer_id is None)
    updated = len(rows) - added
    events.record(session, None, actor.user_id, IMPORTED, now, None, f"+{added} ~{updated}")
    return Imported(added, updated)


def _parsed(
    data: bytes, is_csv: bool, titles: Mapping[str, str], region: str, today: date
) -> list[tuple[RowIn | None, list[Problem]]]:
    read = customer_sheet.read(data, is_csv, titles)
    return [parse(number, cells, region, today) for number, cells in read]


async def _matched(
    session: AsyncSession, rows: Sequence[RowIn], problems: list[Problem]
) -> dict[int, Customer]:
    """The customers the rows name; a row naming none or one merged away, one an earlier row
    names, a phone that is another customer's own number, or more typed numbers than a card
    keeps, is a problem."""
    ids = [row.customer_id for row in rows if row.customer_id is not None]
    named = list(await session.scalars(select(Customer).where(Customer.id.in_(ids))))
    known = {c.id: c for c in named if c.merged_into_id is None}
    merged = {c.id for c in named if c.merged_into_id is not None}
    phones = sorted({phone for row in rows for phone in row.phones or ()})
    owners: dict[str | None, int] = {}
    # In parts: a file may hold more numbers than a statement may carry (asyncpg: 32,767).
    for start in range(0, len(phones), _PHONES_AT_A_TIME):
        part = phones[start : start + _PHONES_AT_A_TIME]
        found = await session.execute(
            select(Customer.phone, Customer.id).where(Customer.phone.in_(part))
        )
        owners.update((phone, customer_id) for phone, customer_id in found)
    seen: set[int] = set()
    for row in rows:
        if row.customer_id is not None:
            if row.customer_id in merged:
                problems.append(Problem(row.number, "id", SheetProblem.MERGED))
            elif row.customer_id not in known:
                problems.append(Problem(row.number, "id", SheetProblem.NO_CUSTOMER))
            elif row.customer_id in seen:
                problems.append(Problem(row.number, "id", SheetProblem.DUPLICATE))
            seen.add(row.customer_id)
        for phone in row.phones or ():
            if owners.get(phone, row.customer_id) != row.customer_id:
                problems.append(Problem(row.number, "phone", SheetProblem.PHONE_TAKEN))
                break
        customer = known.get(row.customer_id or 0)
        own = customer.phone if customer is not None else None
        if len([phone for phone in row.phones or () if phone != own]) > MAX_PHONES:
            problems.append(Problem(row.number, "other_phones", ErrorCode.TOO_MANY_PHONES))
    return known


async def _update(session: AsyncSession, customer: Customer, values: dict[str, Any]) -> None:
    """On the version read, so a card changed in the meantime refuses the whole file."""
    if "name" in values:
        values = {**values, "name_key": fold(values["name"])}
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(Customer)
            .where(Customer.id == customer.id, Customer.version == customer.version)
            .values(version=customer.version + 1, **values)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise Conflict()


async def _set_phones(session: AsyncSession, customer: Customer, phones: list[str] | None) -> None:
    """The typed numbers become the file's (the customer's own number stays); the file's first
    is the main one."""
    if phones is None:
        return
    await session.execute(delete(CustomerPhone).where(CustomerPhone.customer_id == customer.id))
    typed = [phone for phone in phones if phone != customer.phone]
    session.add_all(
        CustomerPhone(customer_id=customer.id, phone=phone, main=phone == phones[0])
        for phone in typed
    )


async def _set_tags(
    session: AsyncSession, customer_id: int, words: list[str] | None, tags: dict[str, int]
) -> None:
    if words is None:
        return
    await session.execute(delete(CustomerTag).where(CustomerTag.customer_id == customer_id))
    for word in words:
        if word not in tags:
            tag_id = await session.scalar(select(TagName.id).where(TagName.name == word))
            if tag_id is None:
                tag = TagName(name=word)
                session.add(tag)
                await session.flush()
                tag_id = tag.id
            tags[word] = tag_id
        session.add(CustomerTag(customer_id=customer_id, tag_id=tags[word]))
