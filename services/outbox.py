"""The outbox: notifications written with the change that caused them, delivered later."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.engine import is_postgres
from services.db.models import ChatMessage, Outbox, User


def enqueue(
    session: AsyncSession,
    *,
    chat_id: int,
    kind: str,
    payload: dict[str, Any],
    dedupe_key: str,
    now: datetime,
) -> None:
    session.add(
        Outbox(
            chat_id=chat_id,
            kind=kind,
            payload=payload,
            dedupe_key=dedupe_key,
            created_at=now,
            next_attempt_at=now,
            attempts=0,
        )
    )


async def claim_due(
    session: AsyncSession, now: datetime, lease: timedelta, limit: int
) -> list[Outbox]:
    """Take due rows for this worker; a row whose lease ran out is due again."""
    query = (
        select(Outbox.id)
        .where(
            Outbox.sent_at.is_(None),
            Outbox.failed_at.is_(None),
            Outbox.next_attempt_at <= now,
            or_(Outbox.claimed_until.is_(None), Outbox.claimed_until < now),
        )
        .order_by(Outbox.id)
        .limit(limit)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    ids = list(await session.scalars(query))
    if not ids:
        await session.commit()
        return []
    await session.execute(
        update(Outbox)
        .where(Outbox.id.in_(ids))
        .values(claimed_until=now + lease, attempts=Outbox.attempts + 1)
    )
    rows = list(
        await session.scalars(select(Outbox).where(Outbox.id.in_(ids)).order_by(Outbox.id))
    )
    await session.commit()
    return rows


async def mark_sent(session: AsyncSession, row_id: int, now: datetime) -> None:
    await session.execute(
        update(Outbox).where(Outbox.id == row_id).values(sent_at=now, claimed_until=None)
    )


async def retry_at(session: AsyncSession, row_id: int, when: datetime, error: str) -> None:
    await session.execute(
        update(Outbox)
        .where(Outbox.id == row_id)
        .values(next_attempt_at=when, claimed_until=None, last_error=error[:500])
    )


async def give_up(session: AsyncSession, row_id: int, now: datetime, error: str) -> None:
    await session.execute(
        update(Outbox)
        .where(Outbox.id == row_id)
        .values(failed_at=now, claimed_until=None, last_error=error[:500])
    )


async def mark_unreachable(session: AsyncSession, chat_id: int) -> None:
    await session.execute(update(User).where(User.tg_id == chat_id).values(blocked=True))


async def remember_chat_message(
    session: AsyncSession, chat_id: int, message_id: int, deal_id: int, kind: str
) -> None:
    session.add(ChatMessage(chat_id=chat_id, message_id=message_id, deal_id=deal_id, kind=kind))


async def deal_of_chat_message(session: AsyncSession, chat_id: int, message_id: int) -> int | None:
    return await session.scalar(
        select(ChatMessage.deal_id).where(
            ChatMessage.chat_id == chat_id, ChatMessage.message_id == message_id
        )
    )
