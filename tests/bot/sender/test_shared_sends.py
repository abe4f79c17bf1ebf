"""Two processes' send budgets sharing Redis, sending for real on the event loop: together they
keep to one budget, and a chat's sends never overlap whichever process makes them."""

from __future__ import annotations

import asyncio
import itertools
import os
import random
from functools import partial

import pytest
from redis.asyncio import Redis

from bot.sender.budget import SendBudget
from bot.sender.pacing import Priority
from bot.sender.shared_budget import SharedBudget
from bot.sender.wake import SharedWake

REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")
PER_SECOND, PER_CHAT, RTT = 30, 4, 0.02


async def test_two_processes_keep_one_budget_and_one_sender_per_chat() -> None:
    assert REDIS_URL
    redis = Redis.from_url(REDIS_URL)
    shared = partial(SharedBudget, redis, random.randrange(10**9))
    processes = [SendBudget(PER_SECOND, PER_CHAT, shared) for _ in range(2)]
    loop = asyncio.get_running_loop()
    sends: list[tuple[int, float, float]] = []  # chat, start, end

    async def send(budget: SendBudget, chat_id: int) -> None:
        ticket = await budget.acquire(chat_id, Priority.NOTICE)
        start = loop.time()
        await asyncio.sleep(RTT)
        budget.ended(ticket)
        sends.append((chat_id, start, loop.time()))

    work = [send(processes[n % 2], 1000 + n) for n in range(45)]
    work += [send(processes[n % 2], 7) for n in range(4)]
    await asyncio.gather(*work)
    await redis.aclose()

    starts = sorted(start for _, start, _ in sends)
    assert len(starts) == 49
    # No second holds more than the budget's sends, whichever process made them.
    assert max(sum(1 for t in starts if s <= t < s + 1.0) for s in starts) <= PER_SECOND
    chat = sorted((start, end) for chat_id, start, end in sends if chat_id == 7)
    for (_, end), (start, _) in itertools.pairwise(chat):
        assert start - end >= 1 / PER_CHAT - RTT  # apart, and never on their way together


async def test_rows_queued_in_one_process_wake_the_senders_of_the_others() -> None:
    assert REDIS_URL
    bot_id = random.randrange(10**9)
    web, worker = Redis.from_url(REDIS_URL), Redis.from_url(REDIS_URL)
    woken = asyncio.Event()
    listening = asyncio.create_task(SharedWake(worker, bot_id).listen(woken.set))
    # On listening, the sender is woken once, for what was queued before.
    await asyncio.wait_for(woken.wait(), 10)
    woken.clear()
    queued = SharedWake(web, bot_id)
    queued()
    await asyncio.wait_for(woken.wait(), 10)
    listening.cancel()
    await asyncio.gather(listening, return_exceptions=True)
    await web.aclose()
    await worker.aclose()
