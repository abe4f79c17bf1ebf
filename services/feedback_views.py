"""Ratings as staff read them: on the deal card, and per manager for a period in reports."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.feedback import Feedback

RATINGS = range(1, 6)


@dataclass(frozen=True)
class RatingView:
    rating: int
    comment: str | None


@dataclass(frozen=True)
class Ratings:
    """A manager's ratings given in a period: how many, and their average."""

    count: int
    average: Decimal


async def ratings_of(session: AsyncSession, deal_ids: Collection[int]) -> dict[int, RatingView]:
    rows = await session.execute(
        select(Feedback.deal_id, Feedback.rating, Feedback.comment).where(
            Feedback.deal_id.in_(list(deal_ids)), Feedback.rating.is_not(None)
        )
    )
    return {
        deal_id: RatingView(rating, comment)
        for deal_id, rating, comment in rows.all()
        if rating is not None
    }


async def by_manager(
    session: AsyncSession, start: datetime, end: datetime
) -> dict[int | None, Ratings]:
    """Ratings given from `start` until `end`, by the manager whose work they rate."""
    rows = await session.execute(
        select(Feedback.manager_id, func.count(), func.sum(Feedback.rating))
        .where(Feedback.rated_at >= start, Feedback.rated_at < end)
        .group_by(Feedback.manager_id)
    )
    return {manager_id: _ratings(count, total) for manager_id, count, total in rows.all()}


async def overall(session: AsyncSession, start: datetime, end: datetime) -> Ratings | None:
    """All the ratings given from `start` until `end`, whoever's deals (none: None)."""
    count, total = (
        await session.execute(
            select(func.count(), func.sum(Feedback.rating)).where(
                Feedback.rated_at >= start, Feedback.rated_at < end
            )
        )
    ).one()
    return _ratings(count, total) if count else None


def _ratings(count: int, total: int | None) -> Ratings:
    return Ratings(count, (Decimal(total or 0) / count).quantize(Decimal("0.1")))
