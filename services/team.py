"""The owner turns managers off and on; a manager's open deals never stay with nobody."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import events, outbox
from services.access import Actor, require_owner
from services.db.deals import Deal
from services.intake import assign
from services.users import get_manager


async def set_active(
    session: AsyncSession, actor: Actor, user_id: int, active: bool, now: datetime
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
            if await assign(session, deal, now, exclude=manager.id):
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
