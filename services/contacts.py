"""Customers known only by phone (website forms, phone calls): found by the normalised
number or created without a Telegram account; a later Telegram contact merges into them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.models import Customer, Deal

NAME_LENGTH = 256


async def customer_for_phone(
    session: AsyncSession, phone: str | None, name: str, source: str, now: datetime
) -> Customer:
    customer = None
    if phone:
        customer = await session.scalar(select(Customer).where(Customer.phone == phone))
    if customer is None:
        customer = Customer(name=name[:NAME_LENGTH], phone=phone, source=source, created_at=now)
        session.add(customer)
    elif name and not customer.name:
        customer.name = name[:NAME_LENGTH]
    await session.flush()
    return customer


async def open_deal_of(session: AsyncSession, customer_id: int) -> Deal | None:
    """The customer's most recent open deal, if any."""
    return await session.scalar(
        select(Deal)
        .where(Deal.customer_id == customer_id, Deal.closed_at.is_(None))
        .order_by(Deal.id.desc())
        .limit(1)
    )
