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


def seed_tables() -> list[str]:
    return [t.name for t in metadata.sorted_tables]


async def reset_stages(conn: AsyncConnection) -> None:
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
