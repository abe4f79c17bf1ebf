"""The send budget every process of the bot shares through Redis, on explicit times: two
`SharedBudget`s on one Redis are two workers."""

from __future__ import annotations

import os
import random
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from bot.sender.pacing import Pacing, Priority
from bot.sender.shared_budget import HOLD, SharedBudget, Wait, rates_of

REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")
T = 1_000_000.0  # an arbitrary moment on the shared clock
PER_SECOND, PER_CHAT = 30, 1


@pytest.fixture
async def workers() -> AsyncIterator[tuple[SharedBudget, SharedBudget]]:
    assert REDIS_URL
    redis = Redis.from_url(REDIS_URL)
    bot_id = random.randrange(10**9)  # a bot of its own: nothing left by another test
    rates = rates_of(Pacing(PER_SECOND, PER_CHAT))
    yield SharedBudget(redis, bot_id, rates), SharedBudget(redis, bot_id, rates)
    await redis.aclose()


def waits(wait: Wait | None) -> tuple[bool, float] | None:
    return None if wait is None else (wait.chat, round(wait.seconds, 4))


async def test_a_chat_takes_one_send_at_a_time_across_workers(
    workers: tuple[SharedBudget, SharedBudget],
) -> None:
    a, b = workers
    assert await a.take(7, Priority.NOTICE, "a1", now=T) is None
    # Another chat is not held up.
    assert await b.take(8, Priority.NOTICE, "b2", now=T + 0.1) is None
    # While a's send is on its way, b asks again shortly, not after a whole hold.
    assert waits(await b.take(7, Priority.NOTICE, "b1", now=T + 0.1)) == (True, 0.02)
    # a's send arrived at the latest 0.05 s before it was answered at T + 0.3.
    await a.ended(7, "a1", ago=0.05, now=T + 0.3)
    interval = a.rates.chat_interval
    assert waits(await b.take(7, Priority.NOTICE, "b1", now=T + 0.3)) == (
        True,
        round(0.25 + interval - 0.3, 4),
    )
    assert await b.take(7, Priority.NOTICE, "b1", now=T + 0.25 + interval) is None


async def test_no_second_holds_more_than_the_budget_whichever_worker_sends(
    workers: tuple[SharedBudget, SharedBudget],
) -> None:
    a, b = workers
    interval = a.rates.interval
    for n in range(PER_SECOND):
        worker, now = (a, b)[n % 2], T + n * interval
        if n:  # starts are spaced evenly, a hair under the budget
            assert waits(await worker.take(100 + n, Priority.NOTICE, f"t{n}", now=now - 0.01)) == (
                False,
                0.01,
            )
        assert await worker.take(100 + n, Priority.NOTICE, f"t{n}", now=now) is None
    # Every place is held by a send on its way: the next asks again shortly, as any may end
    # at any moment (not when the first one's hold runs out, HOLD seconds on).
    after = T + PER_SECOND * interval
    held = await a.take(999, Priority.NOTICE, "late", now=after)
    assert waits(held) == (False, 0.02)
    # The first arrived at the latest at T + 0.2: its place is free a second after that.
    await b.ended(100, "t0", ago=0.1, now=T + 0.3)
    freed = await a.take(999, Priority.NOTICE, "late", now=after)
    assert waits(freed) == (False, round(T + 1.2 - after, 4))
    assert await a.take(999, Priority.NOTICE, "late", now=T + 1.2) is None


async def test_a_429_pauses_every_worker(workers: tuple[SharedBudget, SharedBudget]) -> None:
    a, b = workers
    await a.pause(5, now=T)
    assert waits(await b.take(1, Priority.ANSWER, "b1", now=T + 1)) == (False, 4.0)
    assert await b.take(1, Priority.ANSWER, "b1", now=T + 5) is None


async def test_a_group_429_pauses_only_that_group(
    workers: tuple[SharedBudget, SharedBudget],
) -> None:
    a, b = workers
    await a.pause_chat(-100, 7, now=T)
    assert waits(await b.take(-100, Priority.NOTICE, "b1", now=T + 1)) == (True, 6.0)
    assert await b.take(5, Priority.NOTICE, "b2", now=T + 1) is None


async def test_an_answer_waiting_for_the_budget_holds_back_other_workers_notices(
    workers: tuple[SharedBudget, SharedBudget],
) -> None:
    a, b = workers
    interval = a.rates.interval
    assert await a.take(1, Priority.NOTICE, "n1", now=T) is None
    # b's answer must wait for the spacing; a's notice asking at that moment yields to it.
    answer = await b.take(2, Priority.ANSWER, "answer", now=T)
    assert answer is not None and answer.seconds == pytest.approx(interval, abs=1e-6)
    notice = await a.take(3, Priority.NOTICE, "n2", now=T + interval)
    assert notice is not None and not notice.chat
    assert await b.take(2, Priority.ANSWER, "answer", now=T + interval) is None
    assert await a.take(3, Priority.NOTICE, "n2", now=T + 3 * interval) is None


async def test_a_slot_given_back_unused_frees_the_chat_at_once(
    workers: tuple[SharedBudget, SharedBudget],
) -> None:
    a, b = workers
    assert await a.take(7, Priority.NOTICE, "a1", now=T) is None
    await a.release(7, "a1", now=T + 0.1)
    assert await b.take(7, Priority.NOTICE, "b1", now=T + 0.2) is None


async def test_a_worker_that_died_holding_a_chat_holds_it_no_longer_than_the_hold(
    workers: tuple[SharedBudget, SharedBudget],
) -> None:
    a, b = workers
    assert await a.take(7, Priority.NOTICE, "dies", now=T) is None
    assert (await b.take(7, Priority.NOTICE, "b1", now=T + HOLD - 0.01)) is not None
    assert await b.take(7, Priority.NOTICE, "b1", now=T + HOLD) is None


async def test_a_start_a_moment_away_is_granted_for_then_and_the_spacing_holds(
    workers: tuple[SharedBudget, SharedBudget],
) -> None:
    a, b = workers
    interval = a.rates.interval
    assert await a.take(1, Priority.NOTICE, "a1", now=T) is None
    # The next start is a moment away: granted for then, not to be asked for again.
    reserved = await b.take(2, Priority.NOTICE, "b1", now=T + 0.01, reserve=interval)
    assert reserved is not None and reserved.granted and not reserved.chat
    assert reserved.seconds == pytest.approx(interval - 0.01, abs=1e-6)
    # The one after it is spaced from that start, and further away than one start is asked
    # for again, as without `reserve`.
    later = await a.take(3, Priority.NOTICE, "a3", now=T + 0.01, reserve=interval)
    assert later is not None and not later.granted
    assert later.seconds == pytest.approx(2 * interval - 0.01, abs=1e-6)
    # A notice is not granted ahead of an answer waiting for the budget.
    answer = await b.take(4, Priority.ANSWER, "answer", now=T + 0.01)
    assert answer is not None and not answer.granted
    notice = await a.take(5, Priority.NOTICE, "a5", now=T + 2 * interval, reserve=interval)
    assert notice is not None and not notice.granted
