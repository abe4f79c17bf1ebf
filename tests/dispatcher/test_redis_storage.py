"""With REDIS_URL set, conversation state lives in Redis: a step survives a new dispatcher."""

from __future__ import annotations

import os

import pytest
from redis.asyncio import Redis

from services.clock import ManualClock
from tests.dispatcher.conftest import harness, make_settings
from tests.harness import person

REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")


async def test_request_flow_continues_on_another_worker(
    database_url: str, clock: ManualClock
) -> None:
    assert REDIS_URL
    client = Redis.from_url(REDIS_URL)
    await client.flushdb()
    await client.aclose()
    settings = make_settings(database_url, redis_url=REDIS_URL)
    leyla = person(100, "Leyla")
    async with harness(settings, clock) as first:
        await first.send(leyla, "/new")
        [ask_phone] = await first.send(leyla, "Need a plumber")
        assert ask_phone.text.startswith("Thanks! What phone number")
    async with harness(settings, clock) as second:
        [confirm] = await second.send(leyla, "Skip")
        assert confirm.text == "Request #1 received — we will contact you soon."
