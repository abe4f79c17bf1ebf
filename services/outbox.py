"""The outbox: notifications written with the change that caused them, delivered later
(claimed a chat at a time: `services/outbox_claims.py`)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    Table,
    Update,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.deals import ChatMessage, Message
from services.db.outbox import Outbox

RowIds = int | Collection[int]
_TABLE = cast(Table, Outbox.__table__)
_CHAT_MESSAGES = cast(Table, ChatMessage.__table__)


QueuedRow = dict[str, Any]


# What answers a person's own action goes before what tells someone else.
ANSWER, NOTICE = 0, 1


def queued(
    *,
    chat_id: int,
    kind: str,
    payload: dict[str, Any],
    dedupe_key: str,
    now: datetime,
    priority: int = NOTICE,
) -> QueuedRow:
    """An outbox row, due at once, for `enqueue` or (with others) `enqueue_all`."""
    return {
        "chat_id": chat_id,
        "kind": kind,
        "payload": payload,
        "dedupe_key": dedupe_key,
        "priority": priority,
        "created_at": now,
        "next_attempt_at": now,
        "attempts": 0,
    }


def enqueue(
    session: AsyncSession,
    *,
    chat_id: int,
    kind: str,
    payload: dict[str, Any],
    dedupe_key: str,
    now: datetime,
) -> None:
    row = queued(chat_id=chat_id, kind=kind, payload=payload, dedupe_key=dedupe_key, now=now)
    session.add(Outbox(**row))


async def enqueue_all(session: AsyncSession, rows: Sequence[QueuedRow]) -> None:
    """Many rows in one statement, queued in the order given."""
    if rows:
        await session.execute(insert(_TABLE), list(rows))


def queued_messages(
    chat_id: int, kind: str, messages: Iterable[Message], now: datetime
) -> list[QueuedRow]:
    """Stored messages of a deal for one chat, each once, in order."""
    return [
        queued(
            chat_id=chat_id,
            kind=kind,
            payload={"message_id": message.id},
            dedupe_key=f"{kind}:{message.id}",
            now=now,
        )
        for message in messages
    ]


def enqueue_messages(
    session: AsyncSession, chat_id: int, kind: str, messages: Iterable[Message], now: datetime
) -> None:
    session.add_all([Outbox(**row) for row in queued_messages(chat_id, kind, messages, now)])


def _setter(**values: Any) -> tuple[Update, Update]:
    one = update(_TABLE).where(_TABLE.c.id == bindparam("row")).values(**values)
    many = update(_TABLE).where(_TABLE.c.id.in_(bindparam("rows", expanding=True)))
    return one, many.values(**values)


# A Core UPDATE: no object in the session holds these rows, so the ORM has nothing to sync.
_SENT = _setter(sent_at=bindparam("at"), last_error=None)
_RETRY = _setter(next_attempt_at=bindparam("at"), last_error=bindparam("error"))
_GIVE_UP = _setter(failed_at=bindparam("at"), last_error=bindparam("error"))
_REMEMBER = insert(_CHAT_MESSAGES)


def _ids(row_ids: RowIds) -> list[int]:
    return [row_ids] if isinstance(row_ids, int) else list(row_ids)


def _setting(
    statements: tuple[Update, Update], row_ids: RowIds, **params: Any
) -> tuple[Update, dict[str, Any]]:
    """The one-row form where it fits: most calls name a single row, and an expanding IN
    costs more to run than a plain comparison."""
    ids = _ids(row_ids)
    if len(ids) == 1:
        return statements[0], {"row": ids[0], **params}
    return statements[1], {"rows": ids, **params}


async def _set(
    session: AsyncSession, statements: tuple[Update, Update], row_ids: RowIds, **params: Any
) -> None:
    await session.execute(*_setting(statements, row_ids, **params))


def record_sent(
    connection: Connection, rows: Sequence[ChatMessageRow], row_ids: RowIds, now: datetime
) -> None:
    """Sent messages remembered and their rows marked sent, committed: what the sender does
    after every send, run whole on one connection (`AsyncConnection.run_sync`) rather than
    statement by statement through a session, at two thirds of the cost."""
    if rows:
        connection.execute(_REMEMBER, [row._asdict() for row in rows])
    connection.execute(*_setting(_SENT, row_ids, at=now))
    connection.commit()


async def retry_at(session: AsyncSession, row_ids: RowIds, when: datetime, error: str) -> None:
    await _set(session, _RETRY, row_ids, at=when, error=error[:500])


async def give_up(session: AsyncSession, row_ids: RowIds, now: datetime, error: str) -> None:
    await _set(session, _GIVE_UP, row_ids, at=now, error=error[:500])


async def attempts(session: AsyncSession, row_ids: RowIds) -> int:
    """How often the most tried of these rows was claimed."""
    most = await session.scalar(
        select(func.max(_TABLE.c.attempts)).where(_TABLE.c.id.in_(_ids(row_ids)))
    )
    return int(most or 0)


async def backlog(session: AsyncSession) -> tuple[int, datetime | None]:
    """How many rows are not sent yet (nor given up), and when the oldest of them was queued;
    read through the index on `sent_at`, among the unsent rows only."""
    waiting = select(func.count(), func.min(_TABLE.c.created_at)).where(
        _TABLE.c.sent_at.is_(None), _TABLE.c.failed_at.is_(None)
    )
    rows, oldest = (await session.execute(waiting)).one()
    return int(rows), oldest


class ChatMessageRow(NamedTuple):
    """A message the bot sent, and the deal a reply to it belongs to."""

    chat_id: int
    message_id: int
    deal_id: int | None
    kind: str


async def remember_chat_messages(session: AsyncSession, rows: Sequence[ChatMessageRow]) -> None:
    if rows:
        await session.execute(_REMEMBER, [row._asdict() for row in rows])


async def deal_of_chat_message(session: AsyncSession, chat_id: int, message_id: int) -> int | None:
    return await session.scalar(
        select(ChatMessage.deal_id).where(
            ChatMessage.chat_id == chat_id, ChatMessage.message_id == message_id
        )
    )


# What a card sent to a chat is remembered as: delivered new, or sent again by a redraw.
CARD_KINDS = ("deal_card", "card_redraw")


async def last_card(session: AsyncSession, chat_id: int, deal_id: int) -> int | None:
    """The message id of the deal's newest card in the chat."""
    return await session.scalar(
        select(func.max(ChatMessage.message_id)).where(
            ChatMessage.chat_id == chat_id,
            ChatMessage.deal_id == deal_id,
            ChatMessage.kind.in_(CARD_KINDS),
        )
    )
