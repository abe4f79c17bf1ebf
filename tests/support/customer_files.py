"""Customers written straight to the database and files made as a spreadsheet would save them,
for the customers file's tests."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.customers import Customer, CustomerPhone, CustomerTag, TagName
from services.db.deals import Event
from tests.support.deals import LEYLA, new_deal
from tests.support.harness import Harness

RAUF_PHONE = "+994501234567"
ASKED = (
    "Send the customers as an .xlsx or .csv document, in the columns of /customers export. "
    "Every row is checked first: if any is wrong, nothing is changed and each mistake is "
    "named. /cancel to stop."
)
NOT_READABLE = (
    "This is not an .xlsx workbook or a .csv file in UTF-8 (in Excel: Save As, CSV UTF-8)."
)
AGAIN = "Nothing was changed. Fix the file and send it again, or /cancel."


async def seeded(tg: Harness) -> None:
    """Leyla (1) wrote a request; Rauf (2) was entered with every detail; 3 merged into 2."""
    await new_deal(tg, LEYLA)
    async with tg.app.sessions() as session:
        await seed_customers(session, tg.clock.now())


async def seed_customers(session: AsyncSession, now: datetime) -> None:
    """Rauf (2, every detail, a typed number and two tags) and an older record of him (3)
    merged into him."""
    rauf = Customer(
        name="Rauf",
        phone=RAUF_PHONE,
        email="rauf@example.com",
        company="Rauf MMC",
        address="Baku, Nizami 5",
        language="az",
        birthday=date(1990, 12, 31),
        notes="Calls after 18:00",
        source="phone",
        created_at=now,
    )
    session.add(rauf)
    await session.flush()
    session.add(CustomerPhone(customer_id=rauf.id, phone="+994551112233", main=False))
    for word in ("vip", "wholesale"):
        tag = TagName(name=word)
        session.add(tag)
        await session.flush()
        session.add(CustomerTag(customer_id=rauf.id, tag_id=tag.id))
    session.add(Customer(name="Rauf old", source="web", created_at=now, merged_into_id=rauf.id))
    await session.commit()


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def written(tg: Harness) -> tuple[int, int, int, int]:
    """Customers, typed phones, tags on customers and events: what an import may write."""
    counted = []
    async with tg.app.sessions() as session:
        for table in (Customer, CustomerPhone, CustomerTag, Event):
            counted.append(await session.scalar(select(func.count()).select_from(table)) or 0)
    return counted[0], counted[1], counted[2], counted[3]
