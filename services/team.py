"""The owner turns managers off and on; a manager's open deals never stay with nobody."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import events, outbox
from services.access import SUPPORTED_LOCALES, Actor, require_owner
from services.assignment import WorkingHours
from services.assignment_rule import normalize_tag
from services.db.deals import Deal
from services.db.users import User
from services.errors import ErrorCode, InvalidInput
from services.intake import assign
from services.users import get_manager


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
