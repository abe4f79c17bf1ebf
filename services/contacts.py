"""Customers known only by phone or e-mail (website forms, phone calls): found by the
normalised number or created without a Telegram account; a later Telegram contact merges into
them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.customers import Customer, CustomerMerge
from services.db.deals import Deal
from services.db.engine import is_postgres

NAME_LENGTH = 256
_HOLDER = select(Customer.id).where(Customer.phone == bindparam("phone"))
_MERGED = (
    select(CustomerMerge.into_id)
    .where(CustomerMerge.phone == bindparam("phone"), CustomerMerge.undone_at.is_(None))
    .order_by(CustomerMerge.id.desc())
    .limit(1)
)


async def customer_for_phone(
    session: AsyncSession,
    phone: str | None,
    name: str,
    source: str,
    now: datetime,
    email: str | None = None,
) -> Customer:
    """The customer with this number, created if new, and held (on PostgreSQL) until the
    transaction ends, so requests about one number take their turns; the record a merge kept
    when the number was the own number of the one merged away; without a number, a new
    customer."""
    name = name[:NAME_LENGTH]
    if phone is None:
        new = Customer(name=name, email=email, source=source, created_at=now)
        session.add(new)
        await session.flush()
        return new
    kept = await _kept(session, phone)
    # An undo meanwhile gives the number back to its record: then that one is found below.
    if kept is not None and await session.scalar(_HOLDER, {"phone": phone}) is None:
        return kept
    # Requests racing with one new number each try to insert it; the unique key lets one row
    # in, and the others wait for it and then read that one. A row merged into a Telegram
    # account's customer between the two statements is looked for again.
    insert = postgresql.insert if is_postgres(session) else sqlite.insert
    customer = None
    while customer is None:
        await session.execute(
            insert(Customer)
            .values(name=name, phone=phone, email=email, source=source, created_at=now)
            .on_conflict_do_nothing(index_elements=[Customer.phone])
        )
        customer = await session.scalar(
            select(Customer)
            .where(Customer.phone == phone)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    # What a form or call says fills in a record known only by phone, never one with a Telegram
    # account: a number proves nothing about who gave it.
    if customer.user_id is None:
        if name and not customer.name:
            customer.name = name
        if email and not customer.email:
            customer.email = email
    await session.flush()
    return customer


async def _kept(session: AsyncSession, phone: str) -> Customer | None:
    """The record that kept the requests of the latest merge not undone of a record whose own
    number this was, following later merges of it (held like the one found by number)."""
    into_id = await session.scalar(_MERGED, {"phone": phone})
    passed: set[int] = set()
    while into_id is not None and into_id not in passed:
        passed.add(into_id)
        customer = await session.scalar(
            select(Customer)
            .where(Customer.id == into_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if customer is None or customer.merged_into_id is None:
            return customer
        into_id = customer.merged_into_id
    return None


async def open_deal_of(session: AsyncSession, customer_id: int) -> Deal | None:
    """The customer's most recent open deal, if any."""
    return await session.scalar(
        select(Deal)
        .where(Deal.customer_id == customer_id, Deal.closed_at.is_(None))
        .order_by(Deal.id.desc())
        .limit(1)
    )
