"""One customer per phone and per Telegram account: found, linked or merged, never duplicated."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.models import Customer, Deal, User
from services.users import full_name

_BY_USER = select(Customer).where(Customer.user_id == bindparam("user_id"))
_BY_PHONE = select(Customer).where(Customer.phone == bindparam("phone"))


async def customer_for_user(
    session: AsyncSession, user: User, phone: str | None, now: datetime
) -> Customer:
    by_user = await session.scalar(_BY_USER, {"user_id": user.id})
    by_phone = None
    if phone:
        by_phone = await session.scalar(_BY_PHONE, {"phone": phone})
    if by_user is not None and by_phone is not None and by_user.id != by_phone.id:
        await _merge(session, into=by_user, other=by_phone)
    customer = by_user or by_phone
    if customer is None:
        customer = Customer(name=full_name(user), source="telegram", created_at=now)
        session.add(customer)
    customer.user_id = user.id
    if phone:
        customer.phone = phone
    if not customer.name:
        customer.name = full_name(user)
    await session.flush()
    return customer


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
