"""Flood limits: 429 with Telegram's retry_after, measured on an injected clock."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter

from emulator import Emulator, Limits
from emulator.ratelimit import RateLimiter
from tests.support.emulator import FakeClock, RawApi


@pytest.fixture
def users(emulator: Emulator) -> list[int]:
    for user_id in (101, 102, 103):
        emulator.user(user_id, f"U{user_id}").start()
    emulator.limits.enabled = True
    return [101, 102, 103]


async def test_per_chat_limit_and_retry(
    bot: Bot, raw: RawApi, emulator: Emulator, clock: FakeClock, users: list[int]
) -> None:
    await bot.send_message(101, "first")
    clock.advance(0.3)
    status, body = await raw.call("sendMessage", data={"chat_id": 101, "text": "second"})
    assert status == 429
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(101, "third")
    assert caught.value.retry_after == 1
    await bot.send_message(102, "other chat is fine")
    assert await bot.send_chat_action(101, "typing")
    clock.advance(caught.value.retry_after)
    assert (await bot.send_message(101, "after waiting")).text == "after waiting"
    refused = emulator.rate_limited
    assert [(r.method, r.chat_id, r.retry_after, r.scope) for r in refused] == [
        ("sendMessage", 101, 1, "chat"),
        ("sendMessage", 101, 1, "chat"),
    ]
    sends = [r for r in emulator.requests if r.method == "sendMessage" and r.chat_id == 101]
    assert [r.status for r in sends] == [200, 429, 429, 200]
    assert sends[-1].time - refused[-1].time >= refused[-1].retry_after


async def test_edits_count_and_global_window(
    bot: Bot, emulator: Emulator, clock: FakeClock, users: list[int]
) -> None:
    emulator.limits.per_chat_per_second = 2
    emulator.limits.global_per_second = 3
    sent = await bot.send_message(101, "v1")
    await bot.edit_message_text("v2", chat_id=101, message_id=sent.message_id)
    with pytest.raises(TelegramRetryAfter):
        await bot.edit_message_text("v3", chat_id=101, message_id=sent.message_id)
    await bot.send_message(102, "x")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(103, "y")
    assert emulator.rate_limited[-1].scope == "global"
    clock.advance(caught.value.retry_after)
    await bot.send_message(103, "y")


def test_retry_after_is_whole_seconds_until_the_window_frees() -> None:
    clock = FakeClock()
    limiter = RateLimiter(Limits(enabled=True, per_chat_per_second=3), clock)
    for _ in range(3):
        assert limiter.check(1) is None
        limiter.record(1)
        clock.advance(0.1)
    assert limiter.check(1) == (1, "chat")
    clock.advance(0.75)
    assert limiter.check(1) is None
    with pytest.raises(ValueError, match="at least one call per second"):
        Limits(enabled=True, per_chat_per_second=0)
    assert RateLimiter(Limits(), clock).check(1) is None


async def test_a_group_takes_twenty_messages_a_minute(
    bot: Bot, emulator: Emulator, clock: FakeClock, users: list[int]
) -> None:
    group = emulator.group(-1001, "Sales", kind="supergroup")
    channel = emulator.group(-1002, "News", kind="channel")
    for chat in (group, channel):
        chat.add_member(101)
        chat.add_bot(by=101, admin=True)
    for _ in range(20):
        await bot.send_message(-1001, "news")
        await bot.send_message(-1002, "news")
        clock.advance(1.5)
    # 30 s after the first: a second has passed for the chat, not the minute for the group.
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(-1001, "one too many")
    assert caught.value.retry_after == 30
    assert [(r.chat_id, r.scope) for r in emulator.rate_limited] == [(-1001, "group")]
    # A channel has no such limit, nor a private chat.
    await bot.send_message(-1002, "news")
    await bot.send_message(101, "hello")
    clock.advance(caught.value.retry_after)
    await bot.send_message(-1001, "on time")
