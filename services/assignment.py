"""Who gets a new request: round-robin over managers on duty, else an owner."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import MANAGER, OWNER
from services.db.engine import is_postgres
from services.db.models import User

# Built once: every request runs them.
_NEXT_MANAGER = (
    select(User)
    .where(
        User.role == MANAGER,
        User.is_active,
        User.on_duty,
        User.blocked.is_(False),
        User.id != bindparam("exclude"),
    )
    .order_by(User.last_assigned_at.asc().nulls_first(), User.id)
    .limit(1)
)
_NEXT_FREE_MANAGER = _NEXT_MANAGER.with_for_update(skip_locked=True)
_FIRST_OWNER = (
    select(User).where(User.role == OWNER, User.blocked.is_(False)).order_by(User.id).limit(1)
)


async def pick_assignee(
    session: AsyncSession, now: datetime, exclude: int | None = None
) -> User | None:
    params = {"exclude": exclude or 0}
    user = None
    if is_postgres(session):
        # Requests arriving together go to different managers: a manager another worker is
        # assigning right now is skipped. Only when every one of them is, share the next one.
        user = await session.scalar(_NEXT_FREE_MANAGER, params)
    if user is None:
        user = await session.scalar(_NEXT_MANAGER, params)
    if user is None:
        user = await session.scalar(_FIRST_OWNER)
    if user is not None:
        user.last_assigned_at = now
    return user
