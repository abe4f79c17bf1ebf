"""Fixtures for every test: databases (SQLite by default, PostgreSQL when TEST_DATABASE_URL is
set), a clock, and the dispatcher harness."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
)

from bot import migrate
from services.clock import ManualClock
from services.db.engine import create_engine, session_factory
from tests.support.db import PG_URL, START, reset, reset_script
from tests.support.harness import Harness, harness, make_settings


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrate once per run: the SQLite file to copy, or on PostgreSQL the script that empties
    the migrated database."""
    if PG_URL:

        async def recreate() -> str:
            engine = create_engine(PG_URL)
            async with engine.begin() as conn:
                await conn.execute(text("DROP SCHEMA public CASCADE"))
                await conn.execute(text("CREATE SCHEMA public"))
            await migrate.upgrade(engine)
            async with engine.begin() as conn:
                script = await reset_script(conn)
            await engine.dispose()
            return script

        yield asyncio.run(recreate())
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
            await reset(conn, migrated_template)
        await engine.dispose()
        yield PG_URL
        return
    target = tmp_path / "axin.db"
    shutil.copy(migrated_template, target)
    yield f"sqlite+aiosqlite:///{target}"


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


@pytest.fixture
async def tg(database_url: str, clock: ManualClock) -> AsyncIterator[Harness]:
    async with harness(make_settings(database_url), clock) as tg:
        yield tg
