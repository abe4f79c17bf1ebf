"""Every revision upgrades, downgrades and upgrades again, and the result matches the models."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import migrate
from services.db.engine import create_engine
from services.db.schema import metadata

PG_URL = os.environ.get("TEST_DATABASE_URL")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def empty_engine(tmp_path: Path) -> AsyncEngine:
    if PG_URL:
        # Named after the test database, so runs against different databases keep apart.
        server, name = PG_URL.rsplit("/", 1)
        scratch = f"{name}_migrations"
        engine = create_engine(f"{server}/{scratch}")
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}"'))
            await conn.execute(text(f'CREATE DATABASE "{scratch}"'))
        await admin.dispose()
        return engine
    return create_engine(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_upgrade_downgrade_upgrade(empty_engine: AsyncEngine) -> None:
    expected = {t.name for t in metadata.sorted_tables}
    await migrate.upgrade(empty_engine)
    assert expected <= await _tables(empty_engine)
    await migrate.downgrade(empty_engine, "base")
    assert await _tables(empty_engine) <= {"alembic_version"}
    await migrate.upgrade(empty_engine)
    assert expected <= await _tables(empty_engine)
    async with empty_engine.connect() as conn:
        stages = await conn.run_sync(
            lambda sync: sync.execute(text("SELECT count(*) FROM stages")).scalar_one()
        )
        diff = await conn.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), metadata)
        )
    assert stages == 6
    assert diff == [], "models and migrations disagree"
    await empty_engine.dispose()


@pytest.mark.skipif(not PG_URL, reason="several processes share a database on PostgreSQL")
async def test_processes_started_together_on_an_empty_database_all_migrate(
    empty_engine: AsyncEngine,
) -> None:
    """Workers started at once: one migrates under the lock, the others then find nothing to do
    (before, two of three failed creating the same tables)."""
    url = empty_engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "DATABASE_URL": url}
    migrating = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "migrate",
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(4)
    ]
    results = [(await process.communicate())[1] for process in migrating]
    assert [process.returncode for process in migrating] == [0] * 4, results
    expected = {t.name for t in metadata.sorted_tables}
    assert expected <= await _tables(empty_engine)
    await empty_engine.dispose()
