"""A chat's rows are sent by one worker at a time: claimed whole, renewed while in use, free for
another once the claim runs out or is let go."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import outbox, outbox_claims
from services.clock import ManualClock
from services.db.outbox import Outbox
from tests.support.workers import other_worker

LEASE = timedelta(seconds=15)


async def queue(session: AsyncSession, clock: ManualClock, chat_id: int, *keys: str) -> None:
    for key in keys:
        outbox.enqueue(
            session, chat_id=chat_id, kind="k", payload={}, dedupe_key=key, now=clock.now()
        )
    await session.commit()


def keys(claimed: outbox_claims.Claimed) -> dict[int, list[str]]:
    return {chat: [row.dedupe_key for row in rows] for chat, rows in claimed.rows.items()}


NOTHING = outbox_claims.Claimed({}, 0)


async def test_a_claimed_chat_is_no_one_elses_until_its_claim_runs_out(
    session: AsyncSession, clock: ManualClock
) -> None:
    await queue(session, clock, 5, "a", "b")
    mine = await outbox_claims.claim(session, "one", clock.now(), LEASE, 10, 10)
    assert keys(mine) == {5: ["a", "b"]}
    await queue(session, clock, 5, "c")  # arrives while "one" delivers the chat
    assert await outbox_claims.claim(session, "two", clock.now(), LEASE, 10, 10) == NOTHING
    clock.advance(LEASE + timedelta(seconds=1))
    theirs = await outbox_claims.claim(session, "two", clock.now(), LEASE, 10, 10)
    assert (keys(theirs), theirs.taken_over) == ({5: ["a", "b", "c"]}, 1)
    assert [row.attempts for row in theirs.rows[5]] == [2, 2, 1]


async def test_a_claim_renewed_is_kept_and_one_let_go_is_free_at_once(
    session: AsyncSession, clock: ManualClock
) -> None:
    await queue(session, clock, 5, "a")
    await queue(session, clock, 6, "b")
    await outbox_claims.claim(session, "one", clock.now(), LEASE, 10, 10)
    clock.advance(LEASE - timedelta(seconds=1))
    held = await outbox_claims.renew(session, "one", [5, 6], clock.now() + LEASE)
    assert held == {5, 6}
    clock.advance(timedelta(seconds=2))  # past the first lease: renewed, still held
    assert await outbox_claims.claim(session, "two", clock.now(), LEASE, 10, 10) == NOTHING
    await outbox_claims.release(session, "one", [6])
    handed_on = await outbox_claims.claim(session, "two", clock.now(), LEASE, 10, 10)
    assert (keys(handed_on), handed_on.taken_over) == ({6: ["b"]}, 0)


async def test_a_claim_taken_over_after_it_ran_out_is_lost_to_its_first_holder(
    session: AsyncSession, clock: ManualClock
) -> None:
    await queue(session, clock, 5, "a")
    await outbox_claims.claim(session, "stalled", clock.now(), LEASE, 10, 10)
    clock.advance(LEASE + timedelta(seconds=1))
    taken = await outbox_claims.claim(session, "two", clock.now(), LEASE, 10, 10)
    assert taken.taken_over == 1
    assert await outbox_claims.renew(session, "stalled", [5], clock.now() + LEASE) == set()
    await outbox_claims.release(session, "stalled", [5])  # lets go of nothing of "two"'s
    assert await outbox_claims.claim(session, "three", clock.now(), LEASE, 10, 10) == NOTHING


async def test_answers_first_then_the_oldest_within_the_room_given(
    session: AsyncSession, clock: ManualClock
) -> None:
    await queue(session, clock, 5, "notice-1", "notice-2", "notice-3")
    answer = outbox.queued(
        chat_id=6, kind="k", payload={}, dedupe_key="answer", now=clock.now(), priority=0
    )
    await outbox.enqueue_all(session, [answer])
    await session.commit()
    claimed = await outbox_claims.claim(session, "one", clock.now(), LEASE, rows=3, per_chat=2)
    assert keys(claimed) == {6: ["answer"], 5: ["notice-1", "notice-2"]}


async def test_workers_claiming_at_once_share_the_chats_without_overlap(
    database_url: str, sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions() as session:
        for chat in range(20):
            await queue(session, clock, chat, f"{chat}-a", f"{chat}-b")

    async def claim(name: str) -> dict[int, list[Outbox]]:
        async with other_worker(database_url) as session:
            return (await outbox_claims.claim(session, name, clock.now(), LEASE, 40, 10)).rows

    claimed = await asyncio.gather(*(claim(f"w{n}") for n in range(3)))
    chats = [chat for by_chat in claimed for chat in by_chat]
    assert sorted(chats) == list(range(20))  # every chat once, whole
    assert all(len(rows) == 2 for by_chat in claimed for rows in by_chat.values())
    async with sessions() as session:
        assert len(list(await session.scalars(select(Outbox)))) == 40


async def test_chats_are_claimed_whole_as_far_as_the_claim_goes(
    session: AsyncSession, clock: ManualClock
) -> None:
    # Rows for two chats queued turn about, as notifications usually are.
    for n in range(3):
        await queue(session, clock, 5, f"a{n}")
        await queue(session, clock, 6, f"b{n}")
    # Room for four rows: the first chat's three, not a row or two of each.
    first = await outbox_claims.claim(session, "one", clock.now(), LEASE, 4, 10)
    assert keys(first) == {5: ["a0", "a1", "a2"]}
    # The chat that did not fit is free for the next claim, whole.
    second = await outbox_claims.claim(session, "two", clock.now(), LEASE, 4, 10)
    assert keys(second) == {6: ["b0", "b1", "b2"]}
