"""A sender's claims while they are renewed: a chat claimed meanwhile is this sender's to
deliver, and is let go when done, not left to its lease."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.metrics import Metrics
from bot.sender.claims import ChatClaims
from services import outbox, outbox_claims
from services.clock import ManualClock
from services.db.engine import UnitOfWork, session_factory
from services.db.outbox import OutboxChat
from tests.support.seed import queue_rows

LEASE = timedelta(seconds=15)


class Renewal:
    """Holds the next query made, once `stall` is called, until `go_on`: the renewal of the
    claims on its way to the database."""

    def __init__(self) -> None:
        self._armed = False
        self._reached = asyncio.Event()
        self._resume = asyncio.Event()

    async def stall(self, claims: ChatClaims) -> asyncio.Task[None]:
        self._armed = True
        renewing = asyncio.create_task(claims.renew())
        await self._reached.wait()
        return renewing

    def go_on(self) -> None:
        self._resume.set()

    async def before_query(self) -> None:
        if self._armed:
            self._armed = False
            self._reached.set()
            await self._resume.wait()


def stalling(engine: AsyncEngine, renewal: Renewal) -> async_sessionmaker[AsyncSession]:
    class Session(AsyncSession):
        async def scalars(self, *args: Any, **kwargs: Any) -> Any:
            await renewal.before_query()
            return await super().scalars(*args, **kwargs)

    return async_sessionmaker(
        engine, class_=Session, expire_on_commit=False, sync_session_class=UnitOfWork
    )


async def queue(
    sessions: async_sessionmaker[AsyncSession], chat_id: int, clock: ManualClock
) -> None:
    async with sessions() as session:
        outbox.enqueue(
            session,
            chat_id=chat_id,
            kind="k",
            payload={},
            dedupe_key=str(chat_id),
            now=clock.now(),
        )
        await session.commit()


async def test_a_chat_claimed_while_the_claims_are_renewed_is_held_and_let_go_when_done(
    engine: AsyncEngine, clock: ManualClock
) -> None:
    renewal = Renewal()
    sessions = stalling(engine, renewal)
    claims = ChatClaims(sessions, clock, "one", LEASE, rows=10, per_chat=5, metrics=Metrics())
    await queue(sessions, 1, clock)
    assert list(await claims.claim()) == [1]
    await queue(sessions, 2, clock)
    # The renewal asks about chat 1; chat 2 is claimed before its answer comes.
    renewing = await renewal.stall(claims)
    assert list(await claims.claim()) == [2]
    renewal.go_on()
    await renewing
    # Chat 2 is this sender's: its messages are sent...
    assert claims.holds(1) and claims.holds(2)
    await claims.done(2)
    # ...and the chat is let go when done: another worker claims what is queued next at once,
    # not after the lease.
    async with sessions() as session:
        assert list(await session.scalars(select(OutboxChat.chat_id))) == [1]
    async with sessions() as session:
        outbox.enqueue(
            session, chat_id=2, kind="k", payload={}, dedupe_key="next", now=clock.now()
        )
        await session.commit()
        other = await outbox_claims.claim(session, "other", clock.now(), LEASE, 9, 9)
    assert list(other.rows) == [2]


async def test_a_waiting_chat_is_claimed_once_the_rows_claimed_before_are_mostly_sent(
    engine: AsyncEngine, clock: ManualClock
) -> None:
    sessions = session_factory(engine)
    async with sessions() as session:
        await queue_rows(session, (1, 2, 3), 5, clock)
    claims = ChatClaims(
        sessions, clock, "one", LEASE, rows=10, per_chat=5, metrics=Metrics(), chats=2
    )
    assert sorted(await claims.claim()) == [1, 2]
    assert claims.nearly_full
    # Four of each chat's five rows are sent; neither chat is done. Chat 3, waiting since
    # before, is claimed now rather than after chats 1 and 2 have sent their last.
    claims.sent(1, 4)
    claims.sent(2, 4)
    assert not claims.nearly_full
    assert list(await claims.claim()) == [3]
