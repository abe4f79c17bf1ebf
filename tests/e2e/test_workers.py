"""Three workers (`python -m bot run --role all`, webhook mode, PostgreSQL and Redis) behind a
round-robin proxy, with Telegram's limits on: started at once on an empty database, they all
start, and a burst of customers and a queue of notifications come out once each, in order,
with no 429; a worker killed mid-burst loses nothing and repeats no more than DESIGN.md
allows."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from benchmarks.cluster import OWNER, reset
from benchmarks.cluster_load import Load
from benchmarks.workers import run
from bot.sender.sender import IN_FLIGHT
from services.db.engine import create_engine, session_factory
from services.db.users import User

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


async def test_three_workers_started_at_once_on_an_empty_database_send_each_message_once(
    tmp_path: Path,
) -> None:
    """They migrate under a lock, one sets the webhook and the menus; then 500 customers write
    within 3 s while 1,500 notifications go out: each message once, in order, with no 429."""
    result = await run(3, Load(), DATABASE_URL, REDIS_URL, tmp_path, migrated=False)
    print(json.dumps(result))
    assert (result["set_webhook"], result["menus_set_again"]) == (1, 0)
    assert result["menus_set"] > 0
    assert result["exit_codes"] == [0, 0, 0]
    assert await owners(DATABASE_URL) == 1
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
        kill_at=0.5,
        INBOX_LEASE="2s",
        OUTBOX_LEASE="3s",
    )
    print(json.dumps(result))
    assert result["exit_codes"] == [-signal.SIGKILL, 0, 0]
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
