"""The outbox: notifications written with the change that caused them, delivered later.

Delivery claims due rows with a lease: a worker that dies leaves its rows to whoever claims
after the lease ran out, so a crash loses nothing and repeats at most what was in flight."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.engine import is_postgres
from services.db.models import ChatMessage, Outbox

RowIds = int | Collection[int]


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


def _due(now: datetime) -> list[Any]:
    return [
        Outbox.sent_at.is_(None),
        Outbox.failed_at.is_(None),
        Outbox.next_attempt_at <= now,
        or_(Outbox.claimed_until.is_(None), Outbox.claimed_until < now),
    ]


async def claim_due(
    session: AsyncSession,
    now: datetime,
    lease: timedelta,
    limit: int,
    *,
    per_chat: int | None = None,
    exclude: Collection[int] = (),
) -> list[Outbox]:
    """Take due rows for this worker, oldest first; a row whose lease ran out is due again.

    Whole chats are taken together (up to `per_chat` rows each) so their messages can be
    combined; chats in `exclude` are being delivered by this worker already."""
    waiting = select(Outbox.chat_id).where(*_due(now))
    if exclude:
        waiting = waiting.where(Outbox.chat_id.not_in(list(exclude)))
    chats = waiting.group_by(Outbox.chat_id).order_by(func.min(Outbox.id)).limit(limit)
    query = (
        select(Outbox.id, Outbox.chat_id)
        .where(*_due(now), Outbox.chat_id.in_(chats.scalar_subquery()))
        .order_by(Outbox.id)
        .limit(limit * (per_chat or 1))
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    by_chat: dict[int, list[int]] = {}
    for row_id, chat_id in (await session.execute(query)).all():
        by_chat.setdefault(chat_id, []).append(row_id)
    ids: list[int] = []
    for chat_rows in by_chat.values():  # chats in the order of their oldest row
        chat_rows = chat_rows[: per_chat or limit]
        if ids and len(ids) + len(chat_rows) > limit:
            break
        ids += chat_rows[:limit]
    if not ids:
        await session.commit()
        return []
    claimed = await session.scalars(
        update(Outbox)
        .where(Outbox.id.in_(ids))
        .values(claimed_until=now + lease, attempts=Outbox.attempts + 1)
        .returning(Outbox)
    )
    rows = sorted(claimed, key=lambda row: row.id)
    await session.commit()
    return rows


def _ids(row_ids: RowIds) -> list[int]:
    return [row_ids] if isinstance(row_ids, int) else list(row_ids)


async def mark_sent(session: AsyncSession, row_ids: RowIds, now: datetime) -> None:
    await session.execute(
        update(Outbox)
        .where(Outbox.id.in_(_ids(row_ids)))
        .values(sent_at=now, claimed_until=None, last_error=None)
    )


async def retry_at(session: AsyncSession, row_ids: RowIds, when: datetime, error: str) -> None:
    await session.execute(
        update(Outbox)
        .where(Outbox.id.in_(_ids(row_ids)))
        .values(next_attempt_at=when, claimed_until=None, last_error=error[:500])
    )


async def give_up(session: AsyncSession, row_ids: RowIds, now: datetime, error: str) -> None:
    await session.execute(
        update(Outbox)
        .where(Outbox.id.in_(_ids(row_ids)))
        .values(failed_at=now, claimed_until=None, last_error=error[:500])
    )


async def attempts(session: AsyncSession, row_ids: RowIds) -> int:
    """How often the most tried of these rows was claimed."""
    most = await session.scalar(
        select(func.max(Outbox.attempts)).where(Outbox.id.in_(_ids(row_ids)))
    )
    return int(most or 0)


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
