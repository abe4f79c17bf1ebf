"""The outbox: notifications written with the change that caused them, delivered later.

Delivery claims due rows with a lease: a worker that dies leaves its rows to whoever claims
after the lease ran out, so a crash loses nothing and repeats at most what was in flight."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.engine import is_postgres
from services.db.models import ChatMessage, Outbox

RowIds = int | Collection[int]
_TABLE = cast(Table, Outbox.__table__)
_CHAT_MESSAGES = cast(Table, ChatMessage.__table__)


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


def _rows(row_ids: RowIds) -> Any:
    """Which rows, as the cheapest condition: most calls name a single row."""
    ids = [row_ids] if isinstance(row_ids, int) else list(row_ids)
    return _TABLE.c.id == ids[0] if len(ids) == 1 else _TABLE.c.id.in_(ids)


async def _set(session: AsyncSession, row_ids: RowIds, **values: Any) -> None:
    # A Core UPDATE: no object in the session holds these rows, so the ORM has nothing to sync.
    await session.execute(update(_TABLE).where(_rows(row_ids)).values(**values))


async def mark_sent(session: AsyncSession, row_ids: RowIds, now: datetime) -> None:
    await _set(session, row_ids, sent_at=now, claimed_until=None, last_error=None)


async def retry_at(session: AsyncSession, row_ids: RowIds, when: datetime, error: str) -> None:
    await _set(session, row_ids, next_attempt_at=when, claimed_until=None, last_error=error[:500])


async def give_up(session: AsyncSession, row_ids: RowIds, now: datetime, error: str) -> None:
    await _set(session, row_ids, failed_at=now, claimed_until=None, last_error=error[:500])


async def attempts(session: AsyncSession, row_ids: RowIds) -> int:
    """How often the most tried of these rows was claimed."""
    most = await session.scalar(select(func.max(_TABLE.c.attempts)).where(_rows(row_ids)))
    return int(most or 0)


async def remember_chat_message(
    session: AsyncSession, chat_id: int, message_id: int, deal_id: int, kind: str
) -> None:
    await session.execute(
        insert(_CHAT_MESSAGES).values(
            chat_id=chat_id, message_id=message_id, deal_id=deal_id, kind=kind
        )
    )


async def deal_of_chat_message(session: AsyncSession, chat_id: int, message_id: int) -> int | None:
    return await session.scalar(
        select(ChatMessage.deal_id).where(
            ChatMessage.chat_id == chat_id, ChatMessage.message_id == message_id
        )
    )
