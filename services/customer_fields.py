"""The customer card's 🧾 Fields: the customer's manager (of any of their requests) or an owner
fills in the owner's customer fields. Every press carries the card's version, so one made on an
older card changes nothing. Each change is in the customer's history, and the rules hear it on
their latest open request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import Actor
from services.customer_edits import StaleCustomer, claim
from services.customer_views import customer_of
from services.db.customers import Customer
from services.db.deals import Deal
from services.db.fields import FieldDef
from services.errors import NotFound
from services.field_kinds import CUSTOMER, FieldView, Shown, Typed, from_button, from_text, typed
from services.field_views import definitions, view
from services.field_writes import Holder, stored_values, write
from services.rules.engine import fire


@dataclass(frozen=True)
class CustomerFields:
    """The active customer fields, with the values this customer has."""

    customer_id: int
    version: int
    name: str
    fields: list[FieldView]
    values: dict[int, Typed]


@dataclass(frozen=True)
class CustomerField:
    """One field to fill on the customer's card, and its value."""

    customer_id: int
    version: int
    name: str
    field: FieldView
    value: Typed | None


async def of_customer(
    session: AsyncSession, actor: Actor, customer_id: int, version: int
) -> CustomerFields:
    customer = await _current(session, actor, customer_id, version)
    fields = [f for f in await definitions(session) if f.entity == CUSTOMER]
    stored = await stored_values(session, _holder(customer.id), fields)
    values = {f.field_id: typed(f, stored[f.field_id]) for f in fields if f.field_id in stored}
    return CustomerFields(customer.id, customer.version, customer.name, fields, values)


async def one_of_customer(
    session: AsyncSession, actor: Actor, customer_id: int, version: int, field_id: int
) -> CustomerField:
    customer = await _current(session, actor, customer_id, version)
    field = await _field(session, field_id)
    stored = (await stored_values(session, _holder(customer.id), [field])).get(field_id)
    value = None if stored is None else typed(field, stored)
    return CustomerField(customer.id, customer.version, customer.name, field, value)


async def set_typed(
    session: AsyncSession,
    actor: Actor,
    customer_id: int,
    version: int,
    field_id: int,
    text: str,
    now: datetime,
) -> Shown:
    """A value typed in the reader's locale; a bad one changes nothing."""

    def read(field: FieldView) -> str:
        return from_text(field, text, actor.locale)

    return await _set(session, actor, customer_id, version, field_id, read, now)


async def set_picked(
    session: AsyncSession,
    actor: Actor,
    customer_id: int,
    version: int,
    field_id: int,
    index: int,
    now: datetime,
) -> Shown:
    """Yes/no or an option, picked with a button."""

    def read(field: FieldView) -> str:
        return from_button(field, index)

    return await _set(session, actor, customer_id, version, field_id, read, now)


async def _set(
    session: AsyncSession,
    actor: Actor,
    customer_id: int,
    version: int,
    field_id: int,
    read: Callable[[FieldView], str],
    now: datetime,
) -> Shown:
    """The value `read` makes of what was typed or picked, for the field, once the reader may
    see the customer and the field is one of customers."""
    await customer_of(session, actor, customer_id)
    field = await _field(session, field_id)
    stored = read(field)
    await _write(session, actor, customer_id, version, field, stored, now)
    return Shown(field, typed(field, stored))


async def clear(
    session: AsyncSession,
    actor: Actor,
    customer_id: int,
    version: int,
    field_id: int,
    now: datetime,
) -> FieldView:
    await customer_of(session, actor, customer_id)
    field = await _field(session, field_id)
    await _write(session, actor, customer_id, version, field, None, now)
    return field


async def _current(
    session: AsyncSession, actor: Actor, customer_id: int, version: int
) -> Customer:
    customer = await customer_of(session, actor, customer_id)
    if customer.version != version:
        raise StaleCustomer()
    return customer


async def _field(session: AsyncSession, field_id: int) -> FieldView:
    """An active field of customers: a request's is filled on the request's card."""
    row = await session.get(FieldDef, field_id)
    if row is None or not row.active or row.entity != CUSTOMER:
        raise NotFound()
    return view(row)


def _holder(customer_id: int, reported: int | None = None) -> Holder:
    return Holder(None, customer_id, reported)


async def _reported(session: AsyncSession, customer_id: int) -> int | None:
    """The deal the rules hear the change on, as if it were made on its card: the customer's
    latest open one, else their latest, so a rule on the field's change acts once whichever
    card it was made on. The date rules counting from the field move on every deal of theirs
    (services/rules/timers.py). None for a customer with no request."""
    return await session.scalar(
        select(Deal.id)
        .where(Deal.customer_id == customer_id)
        .order_by(Deal.closed_at.is_not(None), Deal.created_at.desc(), Deal.id.desc())
        .limit(1)
    )


async def _write(
    session: AsyncSession,
    actor: Actor,
    customer_id: int,
    version: int,
    field: FieldView,
    stored: str | None,
    now: datetime,
) -> None:
    """Once the card's version is the customer's: the value, and the rules its change
    triggers, in one transaction. The value they have already changes nothing, not even the
    version other open screens of the card carry."""
    same = await one_of_customer(session, actor, customer_id, version, field.field_id)
    if same.value == (None if stored is None else typed(field, stored)):
        return
    customer = await claim(session, actor, customer_id, version)
    holder = _holder(customer.id, await _reported(session, customer.id))
    changed = await write(session, actor.user_id, holder, [(field, stored)], now)
    await fire(session, changed, now)
    await session.commit()
