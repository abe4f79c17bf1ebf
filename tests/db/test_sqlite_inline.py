"""SQLite on the event loop keeps an async driver's promises: a result holds what its
statement saw, and a session that was never closed gives its lock back."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select
from sqlalchemy.exc import SAWarning
from sqlalchemy.ext.asyncio import AsyncEngine

from services.db.engine import create_engine, session_factory

NOTES = Table("notes", MetaData(), Column("id", Integer, primary_key=True), Column("text", String))


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(NOTES.metadata.create_all)
    yield engine
    await engine.dispose()


async def test_a_result_holds_what_its_statement_saw(engine: AsyncEngine) -> None:
    async with session_factory(engine)() as session:
        await session.execute(insert(NOTES), [{"text": "call back"}, {"text": "send price"}])
        result = await session.execute(select(NOTES.c.text).order_by(NOTES.c.id))
        await session.execute(insert(NOTES), [{"text": "written after"}])
        assert result.scalars().all() == ["call back", "send price"]


async def test_a_session_never_closed_gives_its_lock_back(engine: AsyncEngine) -> None:
    forgotten = session_factory(engine)()
    await forgotten.execute(insert(NOTES).values(text="unfinished"))
    with pytest.warns(SAWarning, match="non-checked-in connection"):
        del forgotten
        gc.collect()
    async with session_factory(engine)() as session:
        await session.execute(insert(NOTES).values(text="next"))
        await session.commit()
        assert (await session.scalars(select(NOTES.c.text))).all() == ["next"]
