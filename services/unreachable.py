"""Someone blocked the bot (Telegram answers 403): they are marked unreachable, and a
manager's open deals go to others with the owners told, so no request waits on a dead chat."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import events, outbox
from services.access import MANAGER, OWNER
from services.assignment import WorkingHours
from services.db.deals import Deal
from services.db.users import User
from services.intake import assign


async def chat_blocked(
    session: AsyncSession, chat_id: int, now: datetime, hours: WorkingHours | None = None
) -> int:
    """Returns how many open deals moved to other people; commits."""
    user = await session.scalar(select(User).where(User.tg_id == chat_id))
    if user is None or user.blocked:
        await session.commit()
        return 0
    user.blocked = True
    events.record(session, None, None, "blocked_bot", now, None, user.id)
    moved = 0
    if user.role == MANAGER:
        deals = await session.scalars(
            select(Deal)
            .where(Deal.manager_id == user.id, Deal.closed_at.is_(None))
            .order_by(Deal.id)
        )
        for deal in deals.all():
            if await assign(session, deal, now, user.id, hours) is not None:
                moved += 1
        owners = await session.scalars(
            select(User).where(User.role == OWNER, User.blocked.is_(False)).order_by(User.id)
        )
        for owner in owners.all():
            outbox.enqueue(
                session,
                chat_id=owner.tg_id,
                kind="manager_unreachable",
                payload={"user_id": user.id, "moved": moved},
                dedupe_key=f"manager_unreachable:{user.id}:{owner.id}:{now.isoformat()}",
                now=now,
            )
    await session.commit()
    return moved
