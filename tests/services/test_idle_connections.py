"""A pooled PostgreSQL connection the server dropped while it sat idle is replaced before use,
not handed out to fail; one in use a moment ago goes to work without a check."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from services.db import engine as db_engine
from services.db.engine import create_engine
from tests.support.db import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL is not set")


async def test_a_connection_dropped_while_idle_is_replaced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert PG_URL
    monkeypatch.setattr(db_engine, "PING_IDLE_OVER", 0.0)  # every pooled one counts as idle
    pooled, other = create_engine(PG_URL), create_engine(PG_URL)
    try:
        async with pooled.connect() as connection:
            dropped = await connection.scalar(text("SELECT pg_backend_pid()"))
        async with other.connect() as connection:
            await connection.execute(text(f"SELECT pg_terminate_backend({int(dropped)})"))
        async with pooled.connect() as connection:
            now = await connection.scalar(text("SELECT pg_backend_pid()"))
        assert now != dropped
    finally:
        await pooled.dispose()
        await other.dispose()
