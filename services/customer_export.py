"""Every customer the owner sees, for a spreadsheet: one row a customer, records merged into
another left out (services/customer_sheet.py names the columns)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import Actor, require_owner
from services.customer_search import deal_count, last_activity
from services.customer_views import main_phone, phones_of, visible
from services.db.customers import Customer, CustomerTag, TagName

# Customers read at a time, so a statement never carries too many ids.
_BATCH = 1000


@dataclass(frozen=True)
class CustomerOut:
    customer_id: int
    name: str
    phone: str | None
    other_phones: list[str]
    email: str | None
    company: str | None
    address: str | None
    language: str | None
    birthday: date | None
    tags: list[str]
    notes: str | None
    source: str
    created_at: datetime
    requests: int
    last_activity_at: datetime


async def export(session: AsyncSession, actor: Actor) -> list[CustomerOut]:
    """The customers by id; owners only (imports are theirs, and the file holds everyone)."""
    require_owner(actor)
    found = (
        await session.execute(
            select(Customer, deal_count, last_activity).where(visible(actor)).order_by(Customer.id)
        )
    ).all()
    rows: list[CustomerOut] = []
    for start in range(0, len(found), _BATCH):
        rows += await _batch(session, found[start : start + _BATCH])
    return rows


async def _batch(
    session: AsyncSession, found: Sequence[tuple[Customer, int, datetime]]
) -> list[CustomerOut]:
    customers = [customer for customer, _, _ in found]
    phones = await phones_of(session, customers)
    tags: dict[int, list[str]] = {}
    tagged = await session.execute(
        select(CustomerTag.customer_id, TagName.name)
        .join(TagName, TagName.id == CustomerTag.tag_id)
        .where(CustomerTag.customer_id.in_([c.id for c in customers]))
        .order_by(TagName.name)
    )
    for customer_id, name in tagged:
        tags.setdefault(customer_id, []).append(name)
    rows = []
    for customer, requests, last in found:
        main = main_phone(phones[customer.id])
        rows.append(
            CustomerOut(
                customer_id=customer.id,
                name=customer.name,
                phone=main,
                other_phones=[p.phone for p in phones[customer.id] if p.phone != main],
                email=customer.email,
                company=customer.company,
                address=customer.address,
                language=customer.language,
                birthday=customer.birthday,
                tags=tags.get(customer.id, []),
                notes=customer.notes,
                source=customer.source,
                created_at=customer.created_at,
                requests=requests,
                last_activity_at=last,
            )
        )
    return rows
