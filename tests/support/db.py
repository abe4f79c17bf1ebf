"""The test databases: SQLite by default, PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from importlib import import_module

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from services.db.schema import metadata

PG_URL = os.environ.get("TEST_DATABASE_URL")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def reset_script(conn: AsyncConnection) -> str:
    """Empty every table and restart every sequence, children before parents.

    DELETE on the few rows a test leaves is far quicker than TRUNCATE of every table, which
    PostgreSQL does file by file."""
    sequences = (
        await conn.execute(
            text(
                "SELECT sequence_name FROM information_schema.sequences "
                "WHERE sequence_schema = 'public'"
            )
        )
    ).scalars()
    deletes = [f"DELETE FROM {table.name};" for table in reversed(metadata.sorted_tables)]
    restarts = [f"ALTER SEQUENCE {name} RESTART;" for name in sequences]
    return "".join(deletes + restarts)


async def reset(conn: AsyncConnection, script: str) -> None:
    """Run the reset script, then seed the stages every test starts from."""
    raw = await conn.get_raw_connection()
    await raw.driver_connection.execute(script)
    initial = import_module("migrations.versions.0001_initial")
    for position, kind, notify, names in initial.DEFAULT_STAGES:
        await conn.execute(
            text(
                "INSERT INTO stages (position, kind, notify_customer, names) "
                "VALUES (:p, :k, :n, CAST(:names AS JSON))"
            ),
            {"p": position, "k": kind, "n": notify, "names": json.dumps(names)},
        )
