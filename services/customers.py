"""The customer record of each Telegram account. A phone number proves nothing about who typed
it: only a contact Telegram vouches for (shared from the sender's own account) becomes the
customer's own number, and only it links the account to a record known by that number."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services import events
from services.customer_moves import CardMoved, drop, move_card
from services.customer_rows import IDENTIFIERS, KEPT, blank, from_json, row_of, to_json
from services.db.bulk import insert_all
from services.db.customers import Customer, CustomerMerge
from services.db.deals import Deal
from services.db.engine import is_postgres
from services.db.fields import FieldValue
from services.db.users import User
from services.field_kinds import CUSTOMER
from services.users import full_name

_BY_USERS = select(Customer).where(Customer.user_id.in_(bindparam("user_ids", expanding=True)))
_HELD = _BY_USERS.order_by(Customer.id).with_for_update().execution_options(populate_existing=True)
_BY_USER = select(Customer).where(Customer.user_id == bindparam("user_id"))
_BY_PHONE = select(Customer).where(Customer.phone == bindparam("phone"))
_MERGED_INTO = (
    select(CustomerMerge.id).where(CustomerMerge.into_id == bindparam("customer_id")).limit(1)
)
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


async def hold_accounts(session: AsyncSession, user_ids: Collection[int]) -> None:
    """Hold (on PostgreSQL) the records of these Telegram accounts until the transaction ends,
    so a request goes to the record the account is with once a merge or its undo holding them
    is done: after waiting, the account may be with another record, which is then held too."""
    if not is_postgres(session):
        return  # one transaction at a time: nothing changes under this one
    held: set[tuple[int, int | None]] | None = None
    while True:
        found = await session.scalars(_HELD, {"user_ids": list(user_ids)})
        now_held = {(customer.id, customer.user_id) for customer in found}
        if now_held == held:
            return
        held = now_held


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
        # Kept, hidden, while an owner's merge went into it: what came to it is followed on.
        if await session.scalar(_MERGED_INTO, {"customer_id": holder.id}) is None:
            await drop(session, holder, mine.id)
    mine.phone = phone
    return True


async def held(session: AsyncSession, *ids: int) -> dict[int, Customer]:
    """The records, read afresh and held (on PostgreSQL) until the transaction ends, in the
    order of their ids: merges and undos touching one customer take their turns, and the
    second sees what the first did."""
    found = await session.scalars(
        select(Customer)
        .where(Customer.id.in_(ids))
        .order_by(Customer.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {customer.id: customer for customer in found}


def label(customer: Customer) -> str:
    """How history names a customer record: its name, else its number."""
    return customer.name or customer.phone or f"#{customer.id}"


@dataclass(frozen=True)
class Joined:
    """What a join changed: the deals that moved, those given the other's own number, the
    kept record's columns it filled in, with the values they had (as JSON), and what of the
    other's card moved."""

    deals: list[int]
    phoned: list[int]
    filled: dict[str, Any]
    # The other's values of the owner's customer fields `into` had none of, now `into`'s.
    valued: list[int]
    card: CardMoved


async def join(
    session: AsyncSession, *, into: Customer, other: Customer, actor_id: int | None, now: datetime
) -> Joined:
    """Two records of one person become `into`: the other's deals move to it (each recorded in
    the deal's history, and each card's version moves on), and every column `into` has empty
    (the Telegram account, own number, e-mail, name, company …) takes the other's value, and
    so does each of the owner's customer fields it has no value of; the other's typed
    numbers, tags and card history move to it (services/customer_moves.py), and its card's
    version moves on. Where both have an own number, the other's stays with the deals that
    came from it. The other record lets go of its number, account and e-mail and is marked
    merged into `into`, and shown nowhere; the caller deletes it or keeps it. Not committed."""
    owned = Deal.customer_id == other.id
    moved = list(await session.scalars(select(Deal.id).where(owned).order_by(Deal.id)))
    values: dict[str, object] = {"customer_id": into.id, "version": Deal.version + 1}
    phoned: list[int] = []
    if into.phone is not None and other.phone is not None:
        given = select(Deal.id).where(owned, Deal.phone.is_(None)).order_by(Deal.id)
        phoned = list(await session.scalars(given))
        values["phone"] = func.coalesce(Deal.phone, other.phone)
    await session.execute(
        update(Deal).where(owned).values(values).execution_options(synchronize_session=False)
    )
    noted = label(other), label(into)
    await events.record_all(
        session, [events.noted(deal_id, actor_id, "merged", now, *noted) for deal_id in moved]
    )
    # The kept customer's own history says so too: it stays theirs if the merge is undone.
    await events.record_all(
        session, [events.on_customer(into.id, actor_id, "merged", now, *noted)]
    )
    card = await move_card(session, into, other.id)
    taken = {key: value for key, value in row_of(other).items() if key not in KEPT}
    for key in IDENTIFIERS:
        setattr(other, key, None)
    other.merged_into_id = into.id
    await session.flush()
    filled = {}
    for key, value in taken.items():
        before = getattr(into, key)
        if blank(before) and not blank(value):
            filled[key] = to_json(before)
            setattr(into, key, from_json(key, value))
    await session.flush()
    await session.execute(
        update(Customer).where(Customer.id == into.id).values(version=Customer.version + 1)
    )
    valued = await _take_values(session, into.id, other.id)
    return Joined(moved, phoned, filled, valued, card)


async def _take_values(session: AsyncSession, into_id: int, other_id: int) -> list[int]:
    of = FieldValue.entity == CUSTOMER
    held = select(FieldValue.field_id).where(of, FieldValue.object_id == into_id)
    taken = select(FieldValue.id).where(
        of, FieldValue.object_id == other_id, FieldValue.field_id.not_in(held)
    )
    valued = list(await session.scalars(taken.order_by(FieldValue.id)))
    await session.execute(
        update(FieldValue)
        .where(FieldValue.id.in_(valued))
        .values(object_id=into_id)
        .execution_options(synchronize_session=False)
    )
    return valued
