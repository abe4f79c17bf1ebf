"""The inbox keeps each update once and marks it handled with the first change it leads to."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import inbox, outbox
from services.clock import ManualClock
from services.db.inbox import InboxUpdate
from services.db.models import Outbox
from services.inbox import AlreadyHandled, Handling, Received

LEASE = timedelta(seconds=60)


def received(*ids: int) -> list[Received]:
    return [Received(i, 500 + i, {"update_id": i}) for i in ids]


async def handled_at(sessions: async_sessionmaker[AsyncSession], update_id: int) -> object:
    async with sessions() as session:
        row = await session.get_one(InboxUpdate, update_id)
        return row.handled_at


def queue_one(session: AsyncSession, key: str, clock: ManualClock) -> None:
    outbox.enqueue(
        session, chat_id=1, kind="access_revoked", payload={}, dedupe_key=key, now=clock.now()
    )


async def test_an_update_is_stored_once(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions() as session:
        assert await inbox.store(session, received(7, 8), clock.now(), LEASE) == {7, 8}
        assert await inbox.store(session, received(8, 9), clock.now(), LEASE) == {9}
        assert await session.scalar(select(func.count()).select_from(InboxUpdate)) == 3


async def test_the_first_write_marks_the_update_and_a_repeat_is_refused(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions() as session:
        await inbox.store(session, received(7), clock.now(), LEASE)
    first = Handling(7, clock.now())
    async with sessions() as session:
        inbox.carry(session, [first])
        await session.scalar(select(func.count()).select_from(Outbox))
        await session.commit()  # a read: nothing marked yet
        assert not first.marked and await handled_at(sessions, 7) is None
        queue_one(session, "a", clock)
        await session.commit()
    assert first.marked and await handled_at(sessions, 7) == clock.now()
    again = Handling(7, clock.now())
    async with sessions() as session:
        inbox.carry(session, [again])
        queue_one(session, "b", clock)
        with pytest.raises(AlreadyHandled):
            await session.commit()
    async with sessions() as session:
        keys = list(await session.scalars(select(Outbox.dedupe_key)))
    assert keys == ["a"] and not again.marked


async def test_pending_updates_are_those_unhandled_and_let_go(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions() as session:
        await inbox.store(session, received(1, 2, 3), clock.now(), LEASE)
        await inbox.mark_handled(session, [2], clock.now())
        assert await inbox.pending(session, clock.now(), LEASE) == []  # still held
        await inbox.release(session, [3])
        assert [r.update_id for r in await inbox.pending(session, clock.now(), LEASE)] == [3]
        clock.advance(LEASE + timedelta(seconds=1))  # whoever held 1 and 3 is gone
        assert [r.update_id for r in await inbox.pending(session, clock.now(), LEASE)] == [1, 3]
        clock.advance(timedelta(days=2))
        assert await inbox.prune(session, clock.now() - timedelta(days=1)) == 1
