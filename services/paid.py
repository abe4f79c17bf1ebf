"""What a deal's payments come to, and what is left of its amount: read by the card and the
payments alike."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.deals import Deal
from services.db.documents import Payment

ZERO = Decimal(0)


@dataclass(frozen=True)
class Balance:
    paid: Decimal
    # What is left of the deal's amount (never below zero); None when it has no amount.
    owed: Decimal | None


def balance_of(amount: Decimal | None, paid: Decimal) -> Balance:
    return Balance(paid, None if amount is None else max(ZERO, amount - paid))


async def paid_of(session: AsyncSession, deal_ids: Collection[int]) -> dict[int, Decimal]:
    if not deal_ids:
        return {}
    rows = await session.execute(
        select(Payment.deal_id, func.sum(Payment.amount))
        .where(Payment.deal_id.in_(list(deal_ids)))
        .group_by(Payment.deal_id)
    )
    return {deal_id: Decimal(total) for deal_id, total in rows.all()}


async def balance(session: AsyncSession, deal: Deal) -> Balance:
    paid = (await paid_of(session, [deal.id])).get(deal.id, ZERO)
    return balance_of(deal.amount, paid)
