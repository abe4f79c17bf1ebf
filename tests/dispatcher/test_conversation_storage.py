"""Conversation state outlives the process: in the database by default, in Redis with
REDIS_URL set. A step begun before a restart (or on another worker) is finished after it."""

from __future__ import annotations

import os

import pytest
from redis.asyncio import Redis

from services.clock import ManualClock
from tests.dispatcher.conftest import harness, make_settings
from tests.dispatcher.helpers import sent_to
from tests.harness import person

REDIS_URL = os.environ.get("TEST_REDIS_URL")
STORES = [
    pytest.param(None, id="database"),
    pytest.param(
        REDIS_URL,
        id="redis",
        marks=pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set"),
    ),
]


@pytest.mark.parametrize("redis_url", STORES)
async def test_a_request_begun_before_a_restart_is_finished_after_it(
    database_url: str, clock: ManualClock, redis_url: str | None
) -> None:
    if redis_url:
        client = Redis.from_url(redis_url)
        await client.flushdb()
        await client.aclose()
    settings = make_settings(database_url, redis_url=redis_url)
    leyla = person(100, "Leyla")
    async with harness(settings, clock) as first:
        await first.send(leyla, "/new")
        [ask_phone] = await first.send(leyla, "Need a plumber")
        assert ask_phone.text.startswith("Thanks! What phone number")
    async with harness(settings, clock) as second:
        assert await second.send(leyla, "Skip") == []
        [confirm] = sent_to(await second.deliver(), leyla.id)
        assert confirm.text == "Request #1 received — we will contact you soon."
