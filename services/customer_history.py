"""A customer's history: the changes of their card (details, phones, tags, fields, a customers
file), newest first, with who and when; whoever may see the customer may read it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import Actor
from services.customer_views import customer_of
from services.db.deals import Event
from services.history import Entry, Names, Value, event_entry

PAGE_SIZE = 10
# A long value (notes, a text field) is cut: ten changes and their people fit one message.
VALUE_LENGTH = 80
BIRTHDAY = "customer_birthday"


@dataclass(frozen=True)
class CustomerHistory:
    customer_id: int
    version: int
    name: str
    entries: list[Entry]
    page: int
    pages: int


async def customer_history(
    session: AsyncSession, actor: Actor, customer_id: int, page: int, size: int = PAGE_SIZE
) -> CustomerHistory:
    """Page 0 holds the latest changes; each page reads newest to oldest."""
    customer = await customer_of(session, actor, customer_id)
    mine = Event.customer_id == customer.id
    total = await session.scalar(select(func.count()).select_from(Event).where(mine)) or 0
    pages = max(1, -(-total // size))
    page = min(max(page, 0), pages - 1)
    found = list(
        await session.scalars(
            select(Event)
            .where(mine)
            .order_by(Event.created_at.desc(), Event.id.desc())
            .limit(size)
            .offset(page * size)
        )
    )
    names = await Names.of(session, found)
    entries = [_cut(await _entry(event, names)) for event in found]
    return CustomerHistory(customer.id, customer.version, customer.name, entries, page, pages)


async def _entry(event: Event, names: Names) -> Entry:
    entry = await event_entry(event, names)
    if event.kind == BIRTHDAY:
        return replace(entry, old=_date(event.from_value), new=_date(event.to_value))
    return entry


def _cut(entry: Entry) -> Entry:
    return replace(entry, old=_short(entry.old), new=_short(entry.new))


def _short(value: Value) -> Value:
    if isinstance(value, str) and len(value) > VALUE_LENGTH:
        return value[: VALUE_LENGTH - 1] + "…"
    return value


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
