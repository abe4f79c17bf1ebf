"""/healthz asks the database and, with REDIS_URL, Redis; either one not answering is a 503
that names it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.http.openapi import document
from bot.http.server import create_http_app
from services.clock import ManualClock
from services.db.engine import create_engine, session_factory
from tests.support.harness import Harness, harness, make_settings

CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1
REDIS_URL = os.environ.get("TEST_REDIS_URL")


@pytest.fixture
async def with_redis(
    request: pytest.FixtureRequest, database_url: str, clock: ManualClock
) -> AsyncIterator[Harness]:
    settings = make_settings(database_url, redis_url=request.param)
    async with harness(settings, clock) as tg:
        yield tg


async def health(tg: Harness) -> tuple[int, Any]:
    async with TestClient(TestServer(create_http_app(tg.app, serves_updates=False))) as client:
        response = await client.get("/healthz")
        return response.status, await response.json()


@pytest.mark.parametrize("with_redis", [CLOSED], indirect=True)
async def test_redis_not_answering_is_a_503_naming_it(with_redis: Harness) -> None:
    assert await health(with_redis) == (
        503,
        {"status": "error", "database": "ok", "redis": "unreachable"},
    )


@pytest.mark.parametrize("with_redis", [CLOSED], indirect=True)
async def test_both_unreachable_are_both_named(with_redis: Harness, tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}")  # a directory: cannot be opened
    with_redis.app.sessions = session_factory(engine)
    try:
        assert await health(with_redis) == (
            503,
            {"status": "error", "database": "unreachable", "redis": "unreachable"},
        )
    finally:
        await engine.dispose()


@pytest.mark.skipif(REDIS_URL is None, reason="needs a Redis server (TEST_REDIS_URL)")
@pytest.mark.parametrize("with_redis", [REDIS_URL], indirect=True)
async def test_redis_answering_is_reported(with_redis: Harness) -> None:
    assert await health(with_redis) == (200, {"status": "ok", "database": "ok", "redis": "ok"})


async def test_without_redis_only_the_database_is_asked(tg: Harness) -> None:
    assert await health(tg) == (200, {"status": "ok", "database": "ok"})


def test_the_openapi_document_describes_the_redis_check() -> None:
    spec = document()
    health_schema = spec["components"]["schemas"]["Health"]
    assert set(health_schema["properties"]) == {"status", "database", "redis"}
    assert health_schema["required"] == ["status", "database"]
    answers = spec["paths"]["/healthz"]["get"]["responses"]
    assert answers["503"]["description"] == "The database or Redis does not answer"
