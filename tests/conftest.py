"""Databases for tests: SQLite by default, PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
)

from bot import migrate
from services.clock import ManualClock
from services.db.engine import create_engine, session_factory
from services.db.schema import metadata

PG_URL = os.environ.get("TEST_DATABASE_URL")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _seed_tables() -> list[str]:
    return [t.name for t in metadata.sorted_tables]


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrate once per run: a SQLite file to copy, or the PostgreSQL database itself."""
    if PG_URL:

        async def reset() -> None:
            engine = create_engine(PG_URL)
            async with engine.begin() as conn:
                await conn.execute(text("DROP SCHEMA public CASCADE"))
                await conn.execute(text("CREATE SCHEMA public"))
            await migrate.upgrade(engine)
            await engine.dispose()

        asyncio.run(reset())
        yield PG_URL
        return
    path = tmp_path_factory.mktemp("template") / "template.db"
    url = f"sqlite+aiosqlite:///{path}"

    async def build() -> None:
        engine = create_engine(url)
        await migrate.upgrade(engine)
        await engine.dispose()

    asyncio.run(build())
    yield str(path)


@pytest.fixture
async def database_url(migrated_template: str, tmp_path: Path) -> AsyncIterator[str]:
    if PG_URL:
        engine = create_engine(PG_URL)
        async with engine.begin() as conn:
            tables = ", ".join(t for t in _seed_tables() if t != "stages")
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            await _reset_stages(conn)
        await engine.dispose()
        yield PG_URL
        return
    target = tmp_path / "axin.db"
    shutil.copy(migrated_template, target)
    yield f"sqlite+aiosqlite:///{target}"


async def _reset_stages(conn: AsyncConnection) -> None:
    """Tests may reshape the pipeline; each starts from the seeded stages."""
    initial = import_module("migrations.versions.0001_initial")
    await conn.execute(text("TRUNCATE stages RESTART IDENTITY CASCADE"))
    for position, kind, notify, names in initial.DEFAULT_STAGES:
        await conn.execute(
            text(
                "INSERT INTO stages (position, kind, notify_customer, names) "
                "VALUES (:p, :k, :n, CAST(:names AS JSON))"
            ),
            {"p": position, "k": kind, "n": notify, "names": json.dumps(names)},
        )


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


@pytest.fixture
async def session(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with sessions() as session:
        yield session


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)
