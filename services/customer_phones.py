"""The phones typed on a customer's card: added in E.164, one marked main, removed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import Actor
from services.customer_edits import claim, record
from services.db.customers import CustomerPhone
from services.errors import ErrorCode, InvalidInput, NotFound
from services.phones import normalize_phone

MAX_PHONES = 5


async def add_phone(
    session: AsyncSession,
    actor: Actor,
    customer_id: int,
    version: int,
    text: str,
    region: str,
    now: datetime,
) -> str:
    """The number typed, in E.164, added to the card (a number identifies nobody)."""
    try:
        phone = normalize_phone(text, region)
    except InvalidInput as error:
        raise InvalidInput(ErrorCode.CUSTOMER_PHONE) from error
    customer = await claim(session, actor, customer_id, version)
    typed = list(
        await session.scalars(
            select(CustomerPhone.phone).where(CustomerPhone.customer_id == customer.id)
        )
    )
    if phone == customer.phone or phone in typed:
        raise InvalidInput(ErrorCode.PHONE_ON_CARD)
    if len(typed) >= MAX_PHONES:
        raise InvalidInput(ErrorCode.TOO_MANY_PHONES)
    session.add(CustomerPhone(customer_id=customer.id, phone=phone, main=False))
    record(session, customer, actor, "phone_added", now, None, phone)
    await session.commit()
    return phone


async def make_main(
    session: AsyncSession,
    actor: Actor,
    customer_id: int,
    version: int,
    phone_id: int,
    now: datetime,
) -> None:
    """`phone_id` 0 makes the customer's own number the main one again."""
    customer = await claim(session, actor, customer_id, version)
    phone = customer.phone
    if phone_id:
        phone = await _typed(session, customer.id, phone_id)
    if phone is None:
        raise NotFound()
    await session.execute(
        update(CustomerPhone)
        .where(CustomerPhone.customer_id == customer.id)
        .values(main=CustomerPhone.id == phone_id)
    )
    record(session, customer, actor, "main_phone", now, None, phone)
    await session.commit()


async def remove_phone(
    session: AsyncSession,
    actor: Actor,
    customer_id: int,
    version: int,
    phone_id: int,
    now: datetime,
) -> str:
    """A typed number taken off the card (the customer's own number stays)."""
    customer = await claim(session, actor, customer_id, version)
    phone = await _typed(session, customer.id, phone_id)
    await session.execute(delete(CustomerPhone).where(CustomerPhone.id == phone_id))
    record(session, customer, actor, "phone_removed", now, phone, None)
    await session.commit()
    return phone


async def _typed(session: AsyncSession, customer_id: int, phone_id: int) -> str:
    phone = await session.scalar(
        select(CustomerPhone.phone).where(
            CustomerPhone.id == phone_id, CustomerPhone.customer_id == customer_id
        )
    )
    if phone is None:
        raise NotFound()
    return phone
