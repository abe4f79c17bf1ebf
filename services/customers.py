"""One customer per phone and per Telegram account: found, linked or merged, never duplicated."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.bulk import insert_all
from services.db.models import Customer, Deal, User
from services.users import full_name

_BY_USERS = select(Customer).where(Customer.user_id.in_(bindparam("user_ids", expanding=True)))
_BY_PHONES = select(Customer).where(Customer.phone.in_(bindparam("phones", expanding=True)))


async def customer_for_user(
    session: AsyncSession, user: User, phone: str | None, now: datetime
) -> Customer:
    [customer] = await customers_for_users(session, [(user, phone)], now)
    return customer


async def customers_for_users(
    session: AsyncSession, wanted: Sequence[tuple[User, str | None]], now: datetime
) -> list[Customer]:
    """The customer record of each account (with the phone it gave, if any): found by the
    account or the phone, the two merged when they were different people, else created."""
    user_ids = list({user.id for user, _ in wanted})
    phones = list({phone for _, phone in wanted if phone})
    by_user = {c.user_id: c for c in await session.scalars(_BY_USERS, {"user_ids": user_ids})}
    by_phone: dict[str | None, Customer] = {}
    if phones:
        by_phone = {c.phone: c for c in await session.scalars(_BY_PHONES, {"phones": phones})}
    customers, created = [], []
    for user, phone in wanted:
        mine, theirs = by_user.get(user.id), by_phone.get(phone) if phone else None
        if mine is not None and theirs is not None and mine.id != theirs.id:
            await _merge(session, into=mine, other=theirs)
        customer = mine or theirs
        if customer is None:
            customer = Customer(name=full_name(user), source="telegram", created_at=now)
            session.add(customer)
            created.append(customer)
        customer.user_id = user.id
        if phone:
            customer.phone = phone
            by_phone[phone] = customer
        if not customer.name:
            customer.name = full_name(user)
        by_user[user.id] = customer
        customers.append(customer)
    # New records not written on the way (by a merge) go in one statement.
    pending = [customer for customer in created if customer in session.new]
    for customer in pending:
        session.expunge(customer)
    stored = await insert_all(session, Customer, [_values(c) for c in pending], key=("user_id",))
    await session.flush()
    swapped = {id(new): row for new, row in zip(pending, stored, strict=True)}
    return [swapped.get(id(customer), customer) for customer in customers]


def _values(customer: Customer) -> dict[str, object]:
    return {
        "name": customer.name,
        "phone": customer.phone,
        "user_id": customer.user_id,
        "source": customer.source,
        "created_at": customer.created_at,
    }


async def _merge(session: AsyncSession, *, into: Customer, other: Customer) -> None:
    await session.execute(
        update(Deal).where(Deal.customer_id == other.id).values(customer_id=into.id)
    )
    if not into.name:
        into.name = other.name
    await session.delete(other)
    await session.flush()


async def known_phone(session: AsyncSession, user_id: int) -> str | None:
    return await session.scalar(select(Customer.phone).where(Customer.user_id == user_id))


async def save_phone(session: AsyncSession, user_id: int, phone: str, now: datetime) -> None:
    user = await session.get_one(User, user_id)
    await customer_for_user(session, user, phone, now)
    await session.commit()
