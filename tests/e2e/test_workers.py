"""Three workers (`python -m bot run --role all`, webhook mode, PostgreSQL and Redis) behind a
round-robin proxy, with Telegram's limits on: a burst of customers and a queue of notifications
come out once each, in order, with no 429; a worker killed mid-burst loses nothing and repeats
no more than DESIGN.md allows; three started at once on an empty database all start."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from benchmarks.cluster import HOOK, OWNER, cluster, reset
from benchmarks.cluster_load import Load
from benchmarks.workers import run
from bot.delivery import IN_FLIGHT
from services.db.engine import create_engine, session_factory
from services.db.models import User

DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")

pytestmark = pytest.mark.skipif(
    not (DATABASE_URL.startswith("postgresql") and REDIS_URL),
    reason="several workers share PostgreSQL and Redis: set TEST_DATABASE_URL to a "
    "postgresql+asyncpg:// URL and TEST_REDIS_URL",
)

NOTHING = {"requests": 0, "confirmations": 0, "cards": 0, "notifications": 0}
# Customers going through a request's steps, the conversation's state in Redis between them.
STEPPED = Load(customers=150, seconds=3.0, managers=30, notifications=300, chats=100, flow=True)


@pytest.fixture(autouse=True)
async def migrated_after() -> AsyncIterator[None]:
    """These tests empty the database; the next test finds it migrated, as the suite's."""
    yield
    await reset(DATABASE_URL, REDIS_URL)


async def test_three_workers_send_each_message_once_in_order_within_telegrams_limits(
    tmp_path: Path,
) -> None:
    result = await run(3, Load(), DATABASE_URL, REDIS_URL, tmp_path, latency=0.05)
    print(json.dumps(result))
    assert result["unanswered"] == {}
    assert (result["lost"], result["repeated"]) == (NOTHING, NOTHING)
    assert result["http_429_by_scope"] == {}
    assert result["out_of_order"] == 0


async def test_a_worker_killed_mid_burst_loses_nothing_and_repeats_within_the_bound(
    tmp_path: Path,
) -> None:
    result = await run(
        3,
        STEPPED,
        DATABASE_URL,
        REDIS_URL,
        tmp_path,
        latency=0.05,
        kill_at=0.5,
        INBOX_LEASE="2s",
        OUTBOX_LEASE="3s",
    )
    print(json.dumps(result))
    # Each customer's every step was answered, and every request kept what they wrote.
    assert result["unanswered"] == {}
    assert result["lost"] == NOTHING
    repeated = result["repeated"]
    # An update that committed a change is never handled again.
    assert repeated["requests"] == 0
    # Outbox messages on their way or being recorded at the kill may come twice: the bound.
    assert repeated["confirmations"] + repeated["cards"] + result["repeated_sends"] <= IN_FLIGHT
    assert result["http_429_by_scope"] == {}
    assert result["out_of_order"] == 0


async def test_three_workers_started_at_once_on_an_empty_database_all_start(
    tmp_path: Path,
) -> None:
    await reset(DATABASE_URL, REDIS_URL, migrated=False)
    async with cluster(3, DATABASE_URL, REDIS_URL, tmp_path) as running:
        await running.until_ready()
        emulator = running.emulator
        hooks = [r for r in emulator.requests if r.method == "setWebhook"]
        menus = Counter(
            (json.dumps(r.params.get("scope")), r.params.get("language_code"))
            for r in emulator.requests
            if r.method == "setMyCommands"
        )
        codes = [await worker.stop() for worker in running.workers]
    assert codes == [0, 0, 0]
    # One of them set the webhook and each menu, once.
    assert [(r.status, r.params["url"]) for r in hooks] == [(200, HOOK)]
    assert menus and set(menus.values()) == {1}
    assert await owners(DATABASE_URL) == 1


async def owners(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            count = await session.scalar(
                select(func.count()).select_from(User).where(User.tg_id == OWNER)
            )
            return int(count or 0)
    finally:
        await engine.dispose()
