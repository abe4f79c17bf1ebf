"""The owner's customers file taken in whole or not at all. Every row is read and checked
before anything is written: a file with any mistake is refused, each mistake named by its row
and column, and nothing changes. Otherwise, in one transaction, a row with an id updates that
customer (their card's version moves on; the customers a file names are locked from when they
are read) and a row without one adds a customer entered by hand. A phone in the file is a
typed number on the card; one that is another customer's own number (from their Telegram, a
call or a form) refuses the row: an import merges nobody. The import is recorded as an event
(who, how many added and updated), and in the history of each customer it wrote. Rows are
looked up and written many in a statement."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services import customer_sheet, events
from services.access import Actor, require_owner
from services.customer_import_rows import RowIn, parse
from services.customer_phones import MAX_PHONES
from services.customer_sheet import CustomerFileRejected
from services.db.bulk import insert_all
from services.db.customers import Customer, CustomerPhone, CustomerTag, TagName, fold
from services.db.engine import is_postgres
from services.errors import ErrorCode
from services.lead_sources import MANUAL
from services.sheet_problems import FileProblem, Problem

IMPORTED = "customers_imported"
# In each written customer's history.
CUSTOMER_IMPORTED = "customer_imported"
# Ids, numbers or words in one statement.
_AT_A_TIME = 1000

T = TypeVar("T")
_CUSTOMERS = cast(Table, Customer.__table__)


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
    new = [row for row in rows if row.customer_id is None]
    new_ids = dict(zip((row.number for row in new), await _add(session, new, now), strict=True))
    await _update(session, [row for row in rows if row.customer_id is not None])
    written = [(row, row.customer_id or new_ids[row.number]) for row in rows]
    own = {customer.id: customer.phone for customer in known.values()}
    await _set_phones(
        session, [(row, customer_id, own.get(customer_id)) for row, customer_id in written]
    )
    await _set_tags(session, written)
    event = events.noted(None, actor.user_id, CUSTOMER_IMPORTED, now)
    await events.record_all(
        session, [{**event, "customer_id": customer_id} for _row, customer_id in written]
    )
    updated = len(rows) - len(new)
    events.record(session, None, actor.user_id, IMPORTED, now, None, f"+{len(new)} ~{updated}")
    return Imported(len(new), updated)


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
    ids = sorted({row.customer_id for row in rows if row.customer_id is not None})
    named: list[Customer] = []
    for part in _parts(ids):
        # Locked until the commit, in id order as merges and their undos lock: a card edited
        # meanwhile waits, and its press then finds the card out of date.
        named += await session.scalars(
            select(Customer).where(Customer.id.in_(part)).order_by(Customer.id).with_for_update()
        )
    known = {c.id: c for c in named if c.merged_into_id is None}
    merged = {c.id for c in named if c.merged_into_id is not None}
    phones = sorted({phone for row in rows for phone in row.phones or ()})
    owners: dict[str | None, int] = {}
    for numbers in _parts(phones):
        found = await session.execute(
            select(Customer.phone, Customer.id).where(Customer.phone.in_(numbers))
        )
        owners.update((phone, customer_id) for phone, customer_id in found)
    seen: set[int] = set()
    for row in rows:
        if row.customer_id is not None:
            if row.customer_id in merged:
                problems.append(Problem(row.number, "id", FileProblem.MERGED))
            elif row.customer_id not in known:
                problems.append(Problem(row.number, "id", FileProblem.NO_CUSTOMER))
            elif row.customer_id in seen:
                problems.append(Problem(row.number, "id", FileProblem.DUPLICATE))
            seen.add(row.customer_id)
        for phone in row.phones or ():
            if owners.get(phone, row.customer_id) != row.customer_id:
                problems.append(Problem(row.number, "phone", FileProblem.PHONE_TAKEN))
                break
        customer = known.get(row.customer_id or 0)
        own = customer.phone if customer is not None else None
        if len([phone for phone in row.phones or () if phone != own]) > MAX_PHONES:
            problems.append(Problem(row.number, "other_phones", ErrorCode.TOO_MANY_PHONES))
    return known


def _parts(values: Sequence[T]) -> Iterator[Sequence[T]]:
    """Ids, numbers or words in parts: a file may hold more than a statement may carry
    (asyncpg: 32,767)."""
    for start in range(0, len(values), _AT_A_TIME):
        yield values[start : start + _AT_A_TIME]


async def _add(session: AsyncSession, rows: Sequence[RowIn], now: datetime) -> list[int]:
    """Customers entered by hand, many in a statement; their ids in the rows' order. Their
    folded names are the column's default."""
    if not rows:
        return []
    made = [{"source": MANUAL, "created_at": now, **row.values} for row in rows]
    # A blank cell is written as NULL rather than left out, so rows share one statement.
    statement = insert(Customer).execution_options(render_nulls=True)
    if is_postgres(session):
        # The rows numbered in the statement, so their ids come back in their order.
        ordered = statement.returning(Customer.id, sort_by_parameter_order=True)
        return list(await session.scalars(ordered, made))
    # SQLite gives each row the next id, one row after another (asked to keep the order,
    # SQLAlchemy would insert them one by one).
    return sorted(await session.scalars(statement.returning(Customer.id), made))


async def _update(session: AsyncSession, rows: Sequence[RowIn]) -> None:
    """Each row's values on its customer, and the card's version moved on; the rows that set
    the same columns in one statement."""
    alike: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        values = row.values
        if "name" in values:
            values = {**values, "name_key": fold(values["name"])}
        written = {f"new_{column}": value for column, value in values.items()}
        alike.setdefault(tuple(values), []).append({"customer": row.customer_id, **written})
    for columns, written_rows in alike.items():
        statement = (
            update(_CUSTOMERS)
            .where(_CUSTOMERS.c.id == bindparam("customer"))
            .values(
                {"version": _CUSTOMERS.c.version + 1}
                | {column: bindparam(f"new_{column}") for column in columns}
            )
        )
        await session.execute(statement, written_rows)


async def _set_phones(
    session: AsyncSession, written: Sequence[tuple[RowIn, int, str | None]]
) -> None:
    """The typed numbers become the file's (the customer's own number stays); the file's first
    is the main one. A file with no phone column leaves them."""
    replaced = [
        (row.phones, customer_id, own)
        for row, customer_id, own in written
        if row.phones is not None
    ]
    for part in _parts([customer_id for _phones, customer_id, _own in replaced]):
        await session.execute(delete(CustomerPhone).where(CustomerPhone.customer_id.in_(part)))
    typed = [
        {"customer_id": customer_id, "phone": phone, "main": phone == phones[0]}
        for phones, customer_id, own in replaced
        for phone in phones
        if phone != own
    ]
    if typed:
        await session.execute(insert(CustomerPhone), typed)


async def _set_tags(session: AsyncSession, written: Sequence[tuple[RowIn, int]]) -> None:
    """The tags become the file's, a word new to the bot added once. A file with no tags
    column leaves them."""
    replaced = [(row.tags, customer_id) for row, customer_id in written if row.tags is not None]
    for part in _parts([customer_id for _tags, customer_id in replaced]):
        await session.execute(delete(CustomerTag).where(CustomerTag.customer_id.in_(part)))
    words = list(dict.fromkeys(word for tags, _id in replaced for word in tags))
    ids: dict[str, int] = {}
    for named in _parts(words):
        found = await session.execute(
            select(TagName.name, TagName.id).where(TagName.name.in_(named))
        )
        ids.update((name, tag_id) for name, tag_id in found)
    new = [{"name": word} for word in words if word not in ids]
    ids.update((tag.name, tag.id) for tag in await insert_all(session, TagName, new, ("name",)))
    linked = [
        {"customer_id": customer_id, "tag_id": ids[word]}
        for tags, customer_id in replaced
        for word in tags
    ]
    if linked:
        await session.execute(insert(CustomerTag), linked)
