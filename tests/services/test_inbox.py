"""The inbox keeps each update once and marks it handled with the first change it leads to."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import inbox, outbox
from services.clock import ManualClock
from services.db.inbox import InboxUpdate
from services.db.outbox import Outbox
from services.inbox import AlreadyHandled, Handling, Received

LEASE = timedelta(seconds=60)
ME = "this-host:1:me"


def never_gone(holder: str) -> bool:
    return False


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
        assert await inbox.store(session, received(7, 8), clock.now(), LEASE, ME) == {7, 8}
        assert await inbox.store(session, received(8, 9), clock.now(), LEASE, ME) == {9}
        assert await session.scalar(select(func.count()).select_from(InboxUpdate)) == 3


async def test_the_first_write_marks_the_update_and_a_repeat_is_refused(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions() as session:
        await inbox.store(session, received(7), clock.now(), LEASE, ME)
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


async def test_pending_updates_are_those_unhandled_and_held_by_no_live_worker(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    def pending() -> Any:
        return inbox.pending(session, clock.now(), LEASE, "other", never_gone, 10)

    async with sessions() as session:
        await inbox.store(session, received(1, 2, 3), clock.now(), LEASE, ME)
        await inbox.mark_handled(session, [2], clock.now())
        assert await pending() == []  # still held by ME
        await inbox.release(session, [3], ME)
        handed_on = await pending()
        assert [(r.update_id, r.taken_over) for r in handed_on] == [(3, False)]
        clock.advance(LEASE + timedelta(seconds=1))  # ME is gone, its hold has run out
        assert [(r.update_id, r.attempts, r.taken_over) for r in await pending()] == [
            (1, 2, True),  # ME's
            (3, 3, False),  # this worker's own
        ]
        clock.advance(timedelta(days=2))
        assert await inbox.prune(session, clock.now() - timedelta(days=1)) == 1


async def test_a_holder_known_to_be_gone_is_not_waited_for(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions() as session:
        await inbox.store(session, received(1), clock.now(), LEASE, "killed")
        await inbox.store(session, received(2), clock.now(), LEASE, "alive")
        taken = await inbox.pending(
            session, clock.now(), LEASE, "me", lambda holder: holder == "killed", 10
        )
        assert [(r.update_id, r.taken_over) for r in taken] == [(1, True)]
        # Renewing is the holder's alone: "killed" renews nothing of what "me" now holds.
        await inbox.renew(session, [1], clock.now() + 10 * LEASE, "killed")
        clock.advance(LEASE + timedelta(seconds=1))
        retaken = await inbox.pending(session, clock.now(), LEASE, "third", never_gone, 10)
        assert [r.update_id for r in retaken] == [1, 2]


async def test_a_chats_earliest_unhandled_update_is_what_its_later_ones_wait_for(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions() as session:
        await inbox.store(session, received(4, 5, 6), clock.now(), LEASE, ME)
        await inbox.mark_handled(session, [4], clock.now())
        assert await inbox.earliest_unhandled(session, [504, 505, 506, 999]) == {
            505: 5,
            506: 6,
        }


async def test_a_secret_typed_is_blanked_in_the_stored_update(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    typed = {"update_id": 7, "message": {"message_id": 3, "text": "TEST:12345:secret"}}
    async with sessions() as session:
        await inbox.store(session, [Received(7, 500, typed)], clock.now(), LEASE, ME)
        await inbox.forget_text(session, 7)
        await session.commit()
    async with sessions() as session:
        row = await session.get_one(InboxUpdate, 7)
    assert row.payload == {"update_id": 7, "message": {"message_id": 3, "text": ""}}
