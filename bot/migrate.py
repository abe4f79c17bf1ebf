"""Apply or roll back Alembic revisions on the configured database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

ROOT = Path(__file__).resolve().parent.parent
# The same for every Axın process on one database: who holds it migrates.
MIGRATION_LOCK = 0x41_78_C4_B1


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["connection"] = connection
    return config


async def upgrade(engine: AsyncEngine, revision: str = "heads") -> None:
    """Several processes starting at once: on PostgreSQL one migrates, under an advisory lock
    held to the end of its transaction; the others wait for it, then find nothing to do."""
    async with engine.begin() as connection:
        await _one_at_a_time(connection)
        await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync), revision))


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    async with engine.begin() as connection:
        await _one_at_a_time(connection)
        await connection.run_sync(lambda sync: command.downgrade(alembic_config(sync), revision))


async def _one_at_a_time(connection: AsyncConnection) -> None:
    # SQLite locks the whole file for a writing transaction already.
    if connection.dialect.name == "postgresql":
        lock = text("SELECT pg_advisory_xact_lock(:key)")
        await connection.execute(lock, {"key": MIGRATION_LOCK})
