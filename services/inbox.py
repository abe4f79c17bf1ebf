"""The inbox: every update Telegram hands over is stored (its `update_id` is the key) before
Telegram is told it arrived, then handled from here.

An update is marked handled in the same transaction as the first change it leads to: a unit of
work that carries updates (`carry`) marks them when it first commits a write, and refuses to
commit if another worker or an earlier run marked one of them first. So a repeat of an update
(a webhook retry, a restart, a replay) changes nothing. An update that changed nothing is marked
once its handler has finished; a crash before that handles it again."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, event, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from services.db.engine import UnitOfWork, is_postgres
from services.db.inbox import InboxUpdate

ERROR_LENGTH = 500


@dataclass
class Received:
    update_id: int
    chat_id: int | None
    payload: dict[str, Any]
    attempts: int = 1
    # Taken from another worker that held it and neither handled it nor let it go.
    taken_over: bool = False


@dataclass(eq=False)
class Handling:
    """An update being handled: `marked` once its change, and so its handling, is committed."""

    update_id: int
    now: datetime
    marked: bool = False


class AlreadyHandled(Exception):
    """The update was handled already, by another worker or before a restart."""


# The update the current task is handling, if it came through the inbox.
current: ContextVar[Handling | None] = ContextVar("inbox_update", default=None)


async def store(
    session: AsyncSession,
    received: Sequence[Received],
    now: datetime,
    lease: timedelta,
    holder: str,
) -> set[int]:
    """Keep updates not seen before, held by `holder` for `lease`; commits. Returns the ids
    that were new."""
    if not received:
        return set()
    rows = [
        {
            "update_id": r.update_id,
            "chat_id": r.chat_id,
            "payload": r.payload,
            "received_at": now,
            "claimed_until": now + lease,
            "holder": holder,
            "attempts": 1,
        }
        for r in received
    ]
    dialect = postgresql if is_postgres(session) else sqlite
    statement = (
        dialect.insert(InboxUpdate)
        .on_conflict_do_nothing(index_elements=["update_id"])
        .returning(InboxUpdate.update_id)
    )
    new = set(await session.scalars(statement, rows))
    await session.commit()
    return new


async def pending(
    session: AsyncSession,
    now: datetime,
    lease: timedelta,
    holder: str,
    gone: Callable[[str], bool],
    limit: int,
) -> list[Received]:
    """Unhandled updates nobody holds (their holder let go, or its hold ran out, or it is
    known to be `gone`), oldest first, `limit` at most, now held by `holder`."""
    held_by = select(InboxUpdate.holder).where(
        InboxUpdate.handled_at.is_(None),
        InboxUpdate.claimed_until >= now,
        InboxUpdate.holder.is_not(None),
        InboxUpdate.holder != holder,
    )
    ended = [h for h in set(await session.scalars(held_by.distinct())) if h and gone(h)]
    free = (InboxUpdate.claimed_until.is_(None)) | (InboxUpdate.claimed_until < now)
    if ended:
        free = free | InboxUpdate.holder.in_(ended)
    claimable = (
        select(InboxUpdate)
        .where(InboxUpdate.handled_at.is_(None), free)
        .order_by(InboxUpdate.update_id)
        .limit(limit)
    )
    if is_postgres(session):
        claimable = claimable.with_for_update(skip_locked=True)
    rows = list(await session.scalars(claimable))
    taken_over = {row.update_id for row in rows if row.holder not in (None, holder)}
    for row in rows:
        row.claimed_until = now + lease
        row.holder = holder
        row.attempts += 1
    await session.commit()
    return [
        Received(r.update_id, r.chat_id, r.payload, r.attempts, r.update_id in taken_over)
        for r in rows
    ]


async def renew(
    session: AsyncSession, update_ids: Sequence[int], until: datetime, holder: str
) -> None:
    """`holder` still has these updates (they wait behind others of their chat)."""
    await session.execute(
        update(InboxUpdate)
        .where(
            InboxUpdate.update_id.in_(update_ids),
            InboxUpdate.handled_at.is_(None),
            InboxUpdate.holder == holder,
        )
        .values(claimed_until=until)
    )
    await session.commit()


async def earliest_unhandled(session: AsyncSession, chat_ids: Collection[int]) -> dict[int, int]:
    """Per chat, its oldest update not handled yet: a later one waits for it."""
    rows = await session.execute(
        select(InboxUpdate.chat_id, func.min(InboxUpdate.update_id))
        .where(InboxUpdate.chat_id.in_(list(chat_ids)), InboxUpdate.handled_at.is_(None))
        .group_by(InboxUpdate.chat_id)
    )
    return {chat: first for chat, first in rows.all() if chat is not None}


async def mark_handled(session: AsyncSession, update_ids: Sequence[int], now: datetime) -> None:
    await session.execute(
        update(InboxUpdate)
        .where(InboxUpdate.update_id.in_(update_ids), InboxUpdate.handled_at.is_(None))
        .values(handled_at=now, claimed_until=None)
    )
    await session.commit()


async def mark_failed(session: AsyncSession, update_id: int, now: datetime, error: str) -> None:
    """Handling failed in a way another try would repeat: it is given up, with the reason."""
    await session.execute(
        update(InboxUpdate)
        .where(InboxUpdate.update_id == update_id, InboxUpdate.handled_at.is_(None))
        .values(handled_at=now, claimed_until=None, error=error[:ERROR_LENGTH])
    )
    await session.commit()


async def release(session: AsyncSession, update_ids: Sequence[int], holder: str) -> None:
    """Let go of updates this worker will not handle now (it is stopping): the next worker
    or start takes them at once."""
    await session.execute(
        update(InboxUpdate)
        .where(
            InboxUpdate.update_id.in_(update_ids),
            InboxUpdate.handled_at.is_(None),
            InboxUpdate.holder == holder,
        )
        .values(claimed_until=None, holder=None)
    )
    await session.commit()


async def forget_text(session: AsyncSession, update_id: int) -> None:
    """The text of a stored message blanked: a secret someone typed (a payment provider token)
    is not kept until the update is pruned."""
    row = await session.get(InboxUpdate, update_id)
    if row is not None and isinstance(row.payload.get("message"), dict):
        message = dict(row.payload["message"])
        message["text"] = ""
        row.payload = {**row.payload, "message": message}


async def prune(session: AsyncSession, before: datetime) -> int:
    """Forget handled updates received before `before`: Telegram repeats none after a day."""
    result = await session.execute(
        delete(InboxUpdate).where(
            InboxUpdate.handled_at.is_not(None), InboxUpdate.received_at < before
        )
    )
    await session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def carry(session: AsyncSession, handlings: Sequence[Handling]) -> None:
    """This unit of work's first committed write marks these updates handled."""
    session.sync_session.info["inbox"] = [h for h in handlings if not h.marked]


@event.listens_for(UnitOfWork, "do_orm_execute")
def _noted_write(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info["wrote"] = True


@event.listens_for(UnitOfWork, "after_flush")
def _noted_flush(session: Session, flush_context: object) -> None:
    # A change flushed before the commit (by a query's autoflush, say) leaves nothing pending
    # for `before_commit` to see.
    session.info["wrote"] = True


@event.listens_for(UnitOfWork, "before_commit")
def _mark_with_the_write(session: Session) -> None:
    handlings: list[Handling] = session.info.get("inbox") or []
    wrote = session.info.get("wrote") or session.new or session.dirty or session.deleted
    if not handlings or not wrote:
        return
    ids = [h.update_id for h in handlings]
    marked = session.execute(
        update(InboxUpdate)
        .where(InboxUpdate.update_id.in_(ids), InboxUpdate.handled_at.is_(None))
        .values(handled_at=handlings[0].now, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    if getattr(marked, "rowcount", 0) != len(ids):
        raise AlreadyHandled(ids)
    session.info["marking"] = handlings


@event.listens_for(UnitOfWork, "after_commit")
def _marked(session: Session) -> None:
    session.info.pop("wrote", None)
    for handling in session.info.pop("marking", ()):
        handling.marked = True
    if "inbox" in session.info:
        session.info["inbox"] = [h for h in session.info["inbox"] if not h.marked]


@event.listens_for(UnitOfWork, "after_soft_rollback")
def _unmarked(session: Session, previous: SessionTransaction) -> None:
    session.info.pop("wrote", None)
    session.info.pop("marking", None)
