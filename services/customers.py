"""The customer record of each Telegram account. A phone number proves nothing about who typed
it: only a contact Telegram vouches for (shared from the sender's own account) becomes the
customer's own number, and only it links the account to a record known by that number."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services import events
from services.db.bulk import insert_all
from services.db.customers import Customer, CustomerPhone, CustomerTag
from services.db.deals import Deal, Event
from services.db.users import User
from services.users import full_name

_BY_USERS = select(Customer).where(Customer.user_id.in_(bindparam("user_ids", expanding=True)))
_BY_USER = select(Customer).where(Customer.user_id == bindparam("user_id"))
_BY_PHONE = select(Customer).where(Customer.phone == bindparam("phone"))
# The number given with the customer's latest request that came with one.
_LAST_GIVEN = (
    select(Deal.phone)
    .where(Deal.customer_id == bindparam("customer_id"), Deal.phone.is_not(None))
    .order_by(Deal.id.desc())
    .limit(1)
)


async def customers_for_users(
    session: AsyncSession, users: Sequence[User], now: datetime
) -> list[Customer]:
    """The customer record of each account, found or created (new ones in one statement)."""
    user_ids = list({user.id for user in users})
    by_user = {c.user_id: c for c in await session.scalars(_BY_USERS, {"user_ids": user_ids})}
    new: dict[int, dict[str, object]] = {}
    for user in users:
        customer = by_user.get(user.id)
        if customer is None:
            new.setdefault(user.id, _values(user, now))
        elif not customer.name:
            customer.name = full_name(user)
    stored = await insert_all(session, Customer, list(new.values()), key=("user_id",))
    by_user.update((customer.user_id, customer) for customer in stored)
    return [by_user[user.id] for user in users]


def _values(user: User, now: datetime) -> dict[str, object]:
    return {
        "name": full_name(user),
        "phone": None,
        "user_id": user.id,
        "source": "telegram",
        "created_at": now,
    }


async def known_phone(session: AsyncSession, user_id: int) -> str | None:
    """The customer's own number, else the one given with their latest request."""
    customer = await session.scalar(_BY_USER, {"user_id": user_id})
    if customer is None:
        return None
    if customer.phone:
        return customer.phone
    return await session.scalar(_LAST_GIVEN, {"customer_id": customer.id})


async def save_phone(session: AsyncSession, user_id: int, phone: str, now: datetime) -> bool:
    """`own_phone`, committed."""
    saved = await own_phone(session, user_id, phone, now)
    await session.commit()
    return saved


async def own_phone(session: AsyncSession, user_id: int, phone: str, now: datetime) -> bool:
    """Make `phone`, shared from the account's own Telegram contact, the customer's own number.
    A record known only by that number (a call, a web form) joins the account's record. False
    when the number belongs to another account's customer: nothing is changed then. Not
    committed: a request given the number is committed with it."""
    user = await session.get_one(User, user_id)
    holder = await session.scalar(_BY_PHONE, {"phone": phone})
    if holder is not None and holder.user_id not in (None, user.id):
        return False
    [mine] = await customers_for_users(session, [user], now)
    if holder is not None and holder.id != mine.id:
        await join(session, into=mine, other=holder, actor_id=user.id, now=now)
    mine.phone = phone
    return True


def label(customer: Customer) -> str:
    """How history names a customer record: its name, else its number."""
    return customer.name or customer.phone or f"#{customer.id}"


async def join(
    session: AsyncSession, *, into: Customer, other: Customer, actor_id: int | None, now: datetime
) -> None:
    """Two records of one person become `into`: the other's deals move to it (each recorded in
    the deal's history, and each card's version moves on), and the Telegram account, own
    number and e-mail it lacks come from the other, which is deleted. Where both have an own
    number, the other's stays with the deals that came from it. Not committed."""
    moved = list(await session.scalars(select(Deal.id).where(Deal.customer_id == other.id)))
    values: dict[str, object] = {"customer_id": into.id, "version": Deal.version + 1}
    if into.phone is not None and other.phone is not None:
        values["phone"] = func.coalesce(Deal.phone, other.phone)
    await session.execute(
        update(Deal)
        .where(Deal.customer_id == other.id)
        .values(values)
        .execution_options(synchronize_session=False)
    )
    noted = label(other), label(into)
    await events.record_all(
        session, [events.noted(deal_id, actor_id, "merged", now, *noted) for deal_id in moved]
    )
    await _move_card(session, into.id, other.id)
    user_id, phone, email, name = other.user_id, other.phone, other.email, other.name
    for detail in ("company", "address", "language", "birthday", "notes"):
        setattr(into, detail, getattr(into, detail) or getattr(other, detail))
    await session.delete(other)
    await session.flush()
    into.user_id = into.user_id or user_id
    into.phone = into.phone or phone
    into.email = into.email or email
    into.name = into.name or name
    await session.flush()


async def _move_card(session: AsyncSession, into: int, other: int) -> None:
    """The other's typed numbers (none of them main any more), tags and card history go to
    `into`; what `into` has already is kept once."""
    moves: tuple[tuple[type[CustomerPhone] | type[CustomerTag], Any, dict[str, bool]], ...] = (
        (CustomerPhone, CustomerPhone.phone, {"main": False}),
        (CustomerTag, CustomerTag.tag_id, {}),
    )
    for table, column, reset in moves:
        held = select(column).where(table.customer_id == into)
        await session.execute(
            delete(table)
            .where(table.customer_id == other, column.in_(held))
            .execution_options(synchronize_session=False)
        )
        await session.execute(
            update(table)
            .where(table.customer_id == other)
            .values(customer_id=into, **reset)
            .execution_options(synchronize_session=False)
        )
    await session.execute(
        update(Event)
        .where(Event.customer_id == other)
        .values(customer_id=into)
        .execution_options(synchronize_session=False)
    )
