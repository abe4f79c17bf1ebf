"""The send budget on a fake monotonic clock: overall and per-chat spacing, and pauses."""

from __future__ import annotations

import asyncio

from bot.ratelimit import SendBudget
from tests.followup.test_delivery import FakeTime


async def test_overall_and_per_chat_spacing() -> None:
    time = FakeTime()
    budget = SendBudget(10, 1, time.monotonic, time.sleep, margin=1.0)
    moments = []
    for chat in (1, 2, 3, 1):
        await budget.acquire(chat)
        budget.ended(chat)
        moments.append(round(time.now, 6))
    # Three chats go 0.1 s apart; chat 1 again waits for its own second.
    assert moments == [0.0, 0.1, 0.2, 1.0]


async def test_the_margin_keeps_sends_a_little_under_the_budget() -> None:
    time = FakeTime()
    budget = SendBudget(30, 1, time.monotonic, time.sleep)
    for chat in range(31):
        await budget.acquire(chat)
        budget.ended(chat)
    # 31 sends span more than a second, so no one-second window holds 31.
    assert time.now > 1.0
    assert time.now < 1.0 / 0.98


async def test_no_second_holds_more_sends_than_the_budget_however_late_they_end() -> None:
    """Telegram sees a send arrive somewhere between its start and its end: a send starts
    only when fewer than 30 ended within the last second or are still on their way."""
    time = FakeTime()
    budget = SendBudget(30, 1, time.monotonic, time.sleep)
    for chat in range(30):
        await budget.acquire(chat)
    assert round(time.now, 3) == round(29 / 30 / 0.99, 3)
    time.now += 0.5  # all 30 took half a second to be answered
    for chat in range(30):
        budget.ended(chat)
    started = time.now
    await budget.acquire(99)
    assert time.now == started + 1.0


async def test_a_pause_voids_slots_booked_before_it() -> None:
    time = FakeTime()
    budget = SendBudget(10, 10, time.monotonic, time.sleep, margin=1.0)
    await budget.acquire(1)
    budget.ended(1)
    sent: list[tuple[int, float]] = []

    async def send(chat: int) -> None:
        await budget.acquire(chat)
        budget.ended(chat)
        sent.append((chat, round(time.now, 6)))

    waiting = asyncio.create_task(send(2))  # books 0.1
    await asyncio.sleep(0)
    budget.pause(5)
    await waiting
    await send(3)
    assert sent == [(2, 5.0), (3, 5.1)]
