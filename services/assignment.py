"""Who gets a new request: round-robin over managers on duty, else an owner."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import MANAGER, OWNER
from services.db.engine import is_postgres
from services.db.models import User


async def pick_assignee(
    session: AsyncSession, now: datetime, exclude: int | None = None
) -> User | None:
    query = (
        select(User)
        .where(
            User.role == MANAGER,
            User.is_active,
            User.on_duty,
            User.blocked.is_(False),
            User.id != (exclude or 0),
        )
        .order_by(User.last_assigned_at.asc().nulls_first(), User.id)
        .limit(1)
    )
    user = None
    if is_postgres(session):
        # Requests arriving together go to different managers: a manager another worker is
        # assigning right now is skipped. Only when every one of them is, share the next one.
        user = await session.scalar(query.with_for_update(skip_locked=True))
    if user is None:
        user = await session.scalar(query)
    if user is None:
        user = await session.scalar(
            select(User)
            .where(User.role == OWNER, User.blocked.is_(False))
            .order_by(User.id)
            .limit(1)
        )
    if user is not None:
        user.last_assigned_at = now
    return user
