"""Conversation state outlives the process: in the database by default, in Redis with
REDIS_URL set. A step begun before a restart (or on another worker) is finished after it."""

from __future__ import annotations

import os
import random
from typing import Any

import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select

from services import intake
from services.clock import ManualClock
from services.db.deals import Deal
from tests.support.calls import sent_to
from tests.support.harness import harness, make_settings, person

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


class Outage(Exception):
    pass


@pytest.mark.parametrize("redis_url", STORES)
async def test_a_step_that_fails_before_its_change_is_committed_stays_open(
    database_url: str, clock: ManualClock, redis_url: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last step clears the conversation and submits the request: when the submission
    fails, the step is still open, and the retry (on any worker) finishes it."""
    settings = make_settings(database_url, redis_url=redis_url)
    leyla = person(100 + random.randrange(10**6), "Leyla")
    submit = intake.submit_request
    calls = 0

    async def fails_once(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise Outage
        return await submit(*args, **kwargs)

    monkeypatch.setattr(intake, "submit_request", fails_once)
    async with harness(settings, clock) as first:
        await first.send(leyla, "/new")
        await first.send(leyla, "Need a plumber")
        with pytest.raises(Outage):
            await first.send(leyla, "Skip")
    async with harness(settings, clock) as second:
        assert await second.send(leyla, "Skip") == []
        [confirm] = sent_to(await second.deliver(), leyla.id)
        assert confirm.text == "Request #1 received — we will contact you soon."
        async with second.app.sessions() as session:
            assert await session.scalar(select(func.count(Deal.id))) == 1
            assert await session.scalar(select(Deal.title)) == "Need a plumber"
