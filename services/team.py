"""The owner turns managers off and on; a manager's open deals never stay with nobody."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import events, outbox
from services.access import SUPPORTED_LOCALES, Actor, require_owner
from services.assignment import WorkingHours
from services.assignment_rule import normalize_tag
from services.company import company_hours
from services.db.deals import Deal
from services.db.users import User
from services.errors import ErrorCode, InvalidInput
from services.intake import assign
from services.reports.worktime import Schedule
from services.users import get_manager, own_hours


async def set_active(
    session: AsyncSession,
    actor: Actor,
    user_id: int,
    active: bool,
    now: datetime,
    hours: WorkingHours | None = None,
) -> int:
    """Returns how many open deals moved to other people."""
    require_owner(actor)
    manager = await get_manager(session, user_id)
    if manager.is_active == active:
        return 0
    manager.is_active = active
    events.record(session, None, actor.user_id, "manager_active", now, not active, active)
    moved = 0
    if not active:
        deals = await session.scalars(
            select(Deal).where(Deal.manager_id == manager.id, Deal.closed_at.is_(None))
        )
        for deal in deals.all():
            if await assign(session, deal, now, exclude=manager.id, hours=hours):
                moved += 1
        outbox.enqueue(
            session,
            chat_id=manager.tg_id,
            kind="access_revoked",
            payload={},
            dedupe_key=f"access_revoked:{manager.id}:{now.isoformat()}",
            now=now,
        )
    await session.commit()
    return moved


MAX_LEVEL, MAX_CAPACITY, MAX_TAGS = 9, 999, 6


async def set_level(session: AsyncSession, actor: Actor, user_id: int, level: int) -> User:
    require_owner(actor)
    if not 1 <= level <= MAX_LEVEL:
        raise InvalidInput(ErrorCode.LEVEL)
    manager = await get_manager(session, user_id)
    manager.level = level
    await session.commit()
    return manager


async def set_capacity(
    session: AsyncSession, actor: Actor, user_id: int, capacity: int | None
) -> User:
    """At most this many open requests; None for no limit."""
    require_owner(actor)
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        raise InvalidInput(ErrorCode.CAPACITY)
    manager = await get_manager(session, user_id)
    manager.capacity = capacity
    await session.commit()
    return manager


async def toggle_language(session: AsyncSession, actor: Actor, user_id: int, code: str) -> User:
    """A manager serves at least one language: the last one cannot be taken away."""
    require_owner(actor)
    if code not in SUPPORTED_LOCALES:
        raise InvalidInput(ErrorCode.LANGUAGE)
    manager = await get_manager(session, user_id)
    served = set(manager.languages.split()) ^ {code}
    if served:
        manager.languages = " ".join(c for c in SUPPORTED_LOCALES if c in served)
    await session.commit()
    return manager


async def set_tags(session: AsyncSession, actor: Actor, user_id: int, text: str) -> User:
    """Tags typed as words separated by spaces or commas; "-" clears them."""
    require_owner(actor)
    words = [] if text.strip() == "-" else text.replace(",", " ").split()
    tags = list(dict.fromkeys(normalize_tag(word) for word in words))
    if len(tags) > MAX_TAGS:
        raise InvalidInput(ErrorCode.TAG)
    manager = await get_manager(session, user_id)
    manager.tags = " ".join(tags)
    await session.commit()
    return manager


async def set_hours(
    session: AsyncSession, actor: Actor, user_id: int, start: int, end: int
) -> User:
    """The manager's own hours from `start` to `end` (minutes after midnight), on their own
    days, or the company's days when they had none of their own."""
    require_owner(actor)
    manager = await get_manager(session, user_id)
    current = own_hours(manager) or (await company_hours(session)).schedule
    _keep(manager, Schedule(current.days, start, end))
    await session.commit()
    return manager


async def toggle_day(session: AsyncSession, actor: Actor, user_id: int, day: int) -> User:
    """A working day of the manager's own hours on or off (from the company's when they had
    none); the last one cannot be taken away."""
    require_owner(actor)
    if not 0 <= day <= 6:
        raise InvalidInput(ErrorCode.WORKING_HOURS)
    manager = await get_manager(session, user_id)
    current = own_hours(manager) or (await company_hours(session)).schedule
    days = current.days ^ {day}
    if days:
        _keep(manager, Schedule(frozenset(days), current.start, current.end))
    await session.commit()
    return manager


async def company_hours_for(session: AsyncSession, actor: Actor, user_id: int) -> User:
    """The manager works the company's hours again."""
    require_owner(actor)
    manager = await get_manager(session, user_id)
    manager.work_days = manager.work_start = manager.work_end = None
    await session.commit()
    return manager


def _keep(manager: User, schedule: Schedule) -> None:
    manager.work_days, manager.work_start, manager.work_end = (
        schedule.mask,
        schedule.start,
        schedule.end,
    )
