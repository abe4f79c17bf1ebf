"""Who gets a new request: round-robin over managers on duty, else an owner."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Integer, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import MANAGER, OWNER
from services.db.engine import is_postgres
from services.db.users import User

_TICK = timedelta(microseconds=1)
# Built once: every request runs them.
_NEXT_MANAGERS = (
    select(User)
    .where(
        User.role == MANAGER,
        User.is_active,
        User.on_duty,
        User.blocked.is_(False),
        User.id != bindparam("exclude"),
    )
    .order_by(User.last_assigned_at.asc().nulls_first(), User.id)
    .limit(bindparam("count", type_=Integer))
)
_NEXT_FREE_MANAGERS = _NEXT_MANAGERS.with_for_update(skip_locked=True)
_FIRST_OWNER = (
    select(User).where(User.role == OWNER, User.blocked.is_(False)).order_by(User.id).limit(1)
)


async def pick_assignee(
    session: AsyncSession, now: datetime, exclude: int | None = None
) -> User | None:
    [user] = await pick_assignees(session, 1, now, exclude)
    return user


async def pick_assignees(
    session: AsyncSession, count: int, now: datetime, exclude: int | None = None
) -> list[User | None]:
    """Who gets each of `count` requests received together: the managers on duty in turn,
    starting with the one waiting longest; the owner when nobody is on duty."""
    params = {"exclude": exclude or 0, "count": count}
    managers: list[User] = []
    if is_postgres(session):
        # Requests arriving together go to different managers: a manager another worker is
        # assigning right now is skipped. Only when every one of them is, share the next ones.
        managers = list(await session.scalars(_NEXT_FREE_MANAGERS, params))
    if not managers:
        managers = list(await session.scalars(_NEXT_MANAGERS, params))
    if not managers:
        owner = await session.scalar(_FIRST_OWNER)
        if owner is not None:
            owner.last_assigned_at = now
        return [owner] * count
    picked: list[User | None] = []
    for index in range(count):
        manager = managers[index % len(managers)]
        # Each pick a tick later than the one before, so the next request continues the
        # turn where these left it.
        manager.last_assigned_at = now + index * _TICK
        picked.append(manager)
    return picked
