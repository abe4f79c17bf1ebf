"""Customers who share a phone number: the hint on a deal card that its number is also
another customer's, as their own number or given with one of their requests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.customers import Customer
from services.db.deals import Deal


@dataclass(frozen=True)
class PhoneMatch:
    customer_id: int
    name: str
    phone: str | None
    # Their most recent request, if they have one.
    deal_id: int | None


_HOLDERS = union(
    select(Customer.phone.label("phone"), Customer.id.label("customer_id")).where(
        Customer.phone.in_(bindparam("phones", expanding=True))
    ),
    select(Deal.phone, Deal.customer_id).where(
        Deal.phone.in_(bindparam("phones", expanding=True))
    ),
).subquery()
_LATEST = (
    select(func.max(Deal.id)).where(Deal.customer_id == Customer.id).correlate(Customer)
).scalar_subquery()
_MATCHES = select(_HOLDERS.c.phone, Customer.id, Customer.name, Customer.phone, _LATEST).join(
    Customer, Customer.id == _HOLDERS.c.customer_id
)


async def phone_matches(
    session: AsyncSession, deals: Sequence[tuple[int, int, str | None]]
) -> dict[int, PhoneMatch]:
    """For each (deal, its customer, its phone), another customer with that phone, by deal:
    of several, the one who wrote most recently. One query for all of them."""
    phones = sorted({phone for _, _, phone in deals if phone})
    if not phones:
        return {}
    holders: dict[str, list[PhoneMatch]] = {}
    for phone, customer_id, name, own, latest in await session.execute(
        _MATCHES, {"phones": phones}
    ):
        holders.setdefault(phone, []).append(PhoneMatch(customer_id, name, own, latest))
    found = {}
    for deal_id, customer_id, phone in deals:
        others = [m for m in holders.get(phone or "", []) if m.customer_id != customer_id]
        if others:
            found[deal_id] = max(others, key=lambda m: (m.deal_id or 0, m.customer_id))
    return found
