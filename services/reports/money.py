"""What customers paid in a period, and what is still owed on the deals they won."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.deals import Deal, Stage
from services.db.documents import Payment
from services.reports.periods import Period


@dataclass(frozen=True)
class Money:
    received: Decimal
    # On every won deal, whenever it was won: its amount less its payments, where that is more
    # than nothing.
    owed: Decimal


async def money_of(session: AsyncSession, period: Period) -> Money:
    received = await session.scalar(
        select(func.sum(Payment.amount)).where(
            Payment.created_at >= period.start, Payment.created_at < period.end
        )
    )
    paid = (
        select(Payment.deal_id, func.sum(Payment.amount).label("paid"))
        .group_by(Payment.deal_id)
        .subquery()
    )
    left = Deal.amount - func.coalesce(paid.c.paid, 0)
    owed = await session.scalar(
        select(func.sum(left))
        .select_from(Deal)
        .join(Stage, Stage.id == Deal.stage_id)
        .outerjoin(paid, paid.c.deal_id == Deal.id)
        .where(Stage.kind == "won", Deal.amount.is_not(None), left > 0)
    )
    return Money(Decimal(received or 0), Decimal(owed or 0))
