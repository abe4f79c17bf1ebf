"""Which sender delivers which chat: a chat's due rows are claimed together, in order, by one
worker, and no other sends to that chat while the claim is live. A claim lasts `lease` and is
renewed while its worker delivers; a worker that stops or dies leaves its chats to whoever
claims them after the lease ran out, so a crash loses nothing."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Integer, Select, bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.engine import is_postgres
from services.db.outbox import Outbox, OutboxChat

# A row is due when unsent, not given up, and its next try has come.
_DUE = (
    Outbox.sent_at.is_(None),
    Outbox.failed_at.is_(None),
    Outbox.next_attempt_at <= bindparam("now"),
)
_HELD = select(OutboxChat.chat_id).where(OutboxChat.claimed_until >= bindparam("now"))


@cache
def _waiting(excluding: bool) -> Select[int, int]:
    """Chats with due rows that no live claim holds, the most urgent, then the oldest, first,
    and how many rows each has due."""
    waiting = select(Outbox.chat_id, func.count()).where(*_DUE, Outbox.chat_id.not_in(_HELD))
    if excluding:
        waiting = waiting.where(Outbox.chat_id.not_in(bindparam("exclude", expanding=True)))
    return (
        waiting.group_by(Outbox.chat_id)
        .order_by(func.min(Outbox.priority), func.min(Outbox.id))
        .limit(bindparam("chats", type_=Integer))
    )


_ROWS = (
    select(Outbox.id, Outbox.chat_id)
    .where(*_DUE, Outbox.chat_id.in_(bindparam("chats", expanding=True)))
    .order_by(Outbox.id)
)
# Of the chats no live claim holds, those a claim that ran out still names: its worker stopped
# or stalled without letting go.
_LAPSED = select(OutboxChat.chat_id).where(
    OutboxChat.chat_id.in_(bindparam("chats", expanding=True)),
    OutboxChat.worker != bindparam("me"),
)
_TAKEN = (
    update(Outbox)
    .where(Outbox.id.in_(bindparam("ids", expanding=True)))
    .values(attempts=Outbox.attempts + 1)
    .returning(Outbox)
    # The rows as returned replace what the session held of them.
    .execution_options(synchronize_session=False, populate_existing=True)
)


class Claimed(NamedTuple):
    """The rows taken, by chat, and how many of their chats another worker had held."""

    rows: dict[int, list[Outbox]]
    taken_over: int


async def claim(
    session: AsyncSession,
    worker: str,
    now: datetime,
    lease: timedelta,
    rows: int,
    per_chat: int,
    exclude: Collection[int] = (),
) -> Claimed:
    """Claim chats with due rows for `worker` and take up to `per_chat` of each one's rows, in
    order, `rows` at most in all; chats in `exclude` are being delivered by this worker."""
    params: dict[str, Any] = {"now": now, "chats": rows}
    if exclude:
        params["exclude"] = list(exclude)
    # Whole chats, as many as fit: a chat's rows claimed together are sent together, as few
    # messages as they combine into, rather than one row now and the next after another claim.
    candidates: list[int] = []
    room = rows
    for chat_id, due in await session.execute(_waiting(bool(exclude)), params):
        wanted = min(due, per_chat)
        if candidates and wanted > room:
            break
        candidates.append(chat_id)
        room -= wanted
        if room <= 0:
            break
    if not candidates:
        return Claimed({}, 0)
    lapsed = set(await session.scalars(_LAPSED, {"chats": candidates, "me": worker}))
    won = set(await _take(session, candidates, worker, now, now + lease))
    due_rows: dict[int, list[int]] = {}
    for row_id, chat_id in await session.execute(_ROWS, {"now": now, "chats": list(won)}):
        due_rows.setdefault(chat_id, []).append(row_id)
    ids: list[int] = []
    for chat_id in candidates:
        ids += due_rows.get(chat_id, [])[: min(per_chat, rows - len(ids))]
    if not ids:
        await release(session, worker, won)
        return Claimed({}, 0)
    by_chat: dict[int, list[Outbox]] = {}
    for row in sorted(await session.scalars(_TAKEN, {"ids": ids}), key=lambda r: r.id):
        by_chat.setdefault(row.chat_id, []).append(row)
    # Chats whose rows did not fit are let go at once.
    await release(
        session, worker, [chat for chat in candidates if chat in won and chat not in by_chat]
    )
    return Claimed(by_chat, len(lapsed.intersection(by_chat)))


async def _take(
    session: AsyncSession, chats: list[int], worker: str, now: datetime, until: datetime
) -> list[int]:
    """The chats this worker now holds: new claims, and claims that had run out. Of two
    workers claiming a chat at once, one gets it."""
    dialect = postgresql if is_postgres(session) else sqlite
    statement = dialect.insert(OutboxChat)
    upsert = statement.on_conflict_do_update(
        index_elements=["chat_id"],
        set_={
            "worker": statement.excluded.worker,
            "claimed_until": statement.excluded.claimed_until,
        },
        where=OutboxChat.claimed_until < now,
    ).returning(OutboxChat.chat_id)
    rows = [{"chat_id": chat, "worker": worker, "claimed_until": until} for chat in chats]
    return list(await session.scalars(upsert, rows))


async def renew(
    session: AsyncSession, worker: str, chats: Collection[int], until: datetime
) -> set[int]:
    """Extend this worker's claims; returns the chats still its own (a claim that ran out and
    was taken by another is lost)."""
    if not chats:
        return set()
    renewed = await session.scalars(
        update(OutboxChat)
        .where(OutboxChat.worker == worker, OutboxChat.chat_id.in_(list(chats)))
        .values(claimed_until=until)
        .returning(OutboxChat.chat_id)
    )
    held = set(renewed)
    await session.commit()
    return held


async def release(session: AsyncSession, worker: str, chats: Collection[int]) -> None:
    """This worker is done with these chats; commits."""
    if chats:
        await session.execute(
            delete(OutboxChat).where(
                OutboxChat.worker == worker, OutboxChat.chat_id.in_(list(chats))
            )
        )
    await session.commit()


def let_go(connection: Connection, worker: str, chats: Collection[int]) -> None:
    """`release` as part of a transaction under way on `connection` (the record of a chat's
    last message: `AsyncConnection.run_sync`); does not commit."""
    if chats:
        connection.execute(
            delete(OutboxChat).where(
                OutboxChat.worker == worker, OutboxChat.chat_id.in_(list(chats))
            )
        )
