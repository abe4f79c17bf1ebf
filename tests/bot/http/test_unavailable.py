"""A database that does not answer makes every endpoint answer 503, not 500."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import make_url

from services.db.engine import create_engine, session_factory
from tests.support.api import CALL, CONTRACT, LEAD, Api
from tests.support.db import PG_URL

ENDPOINTS = [
    ("/api/v1/leads", LEAD),
    ("/api/v1/calls", CALL),
    ("/api/v1/deals/1/contract", CONTRACT),
]


@pytest.fixture(params=["postgresql", "postgresql-database", "sqlite"])
async def unreachable(
    request: pytest.FixtureRequest, api: Api, tmp_path: Path
) -> AsyncIterator[Api]:
    """The API with its database gone: PostgreSQL refusing connections or without the
    database, or a SQLite file that cannot be opened."""
    if request.param == "postgresql":
        url = "postgresql+asyncpg://axin@127.0.0.1:1/axin"  # nothing listens on port 1
    elif request.param == "postgresql-database":
        if not PG_URL:
            pytest.skip("needs a PostgreSQL server")
        missing = make_url(PG_URL).set(database="axin_no_such_database")
        url = missing.render_as_string(hide_password=False)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path}"  # a directory
    engine = create_engine(url)
    api.tg.app.sessions = session_factory(engine)
    yield api
    await engine.dispose()


@pytest.mark.parametrize(("path", "body"), ENDPOINTS)
async def test_every_endpoint_answers_503(unreachable: Api, path: str, body: object) -> None:
    status, answer = await unreachable.post(path, body)
    assert (status, answer["error"]) == (503, "unavailable")


async def test_health_says_the_database_is_unreachable(unreachable: Api) -> None:
    response = await unreachable.client.get("/healthz")
    assert (response.status, await response.json()) == (
        503,
        {"status": "error", "database": "unreachable"},
    )
