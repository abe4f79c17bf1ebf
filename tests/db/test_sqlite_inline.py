"""SQLite on the event loop keeps an async driver's promises: a result holds what its
statement saw, an error reading it is SQLAlchemy's (in a file or in memory), and a session
that was never closed gives its lock back."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text
from sqlalchemy.exc import OperationalError, SAWarning
from sqlalchemy.ext.asyncio import AsyncEngine

from services.db.engine import create_engine, session_factory

NOTES = Table("notes", MetaData(), Column("id", Integer, primary_key=True), Column("text", String))


async def _engine(where: Path | str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{where}")
    async with engine.begin() as connection:
        await connection.run_sync(NOTES.metadata.create_all)
    yield engine
    await engine.dispose()


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async for engine in _engine(tmp_path / "inline.db"):
        yield engine


@pytest.fixture(params=["file", "memory"])
async def any_engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A database in memory lives in its one connection, which the engine keeps."""
    async for engine in _engine(tmp_path / "inline.db" if request.param == "file" else ":memory:"):
        yield engine


async def test_a_result_holds_what_its_statement_saw(any_engine: AsyncEngine) -> None:
    async with session_factory(any_engine)() as session:
        await session.execute(insert(NOTES), [{"text": "call back"}, {"text": "send price"}])
        result = await session.execute(select(NOTES.c.text).order_by(NOTES.c.id))
        await session.execute(insert(NOTES), [{"text": "written after"}])
        assert result.scalars().all() == ["call back", "send price"]
        await session.commit()
    async with session_factory(any_engine)() as session:
        assert len((await session.scalars(select(NOTES.c.id))).all()) == 3


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


async def test_an_error_reading_a_result_is_sqlalchemys(any_engine: AsyncEngine) -> None:
    async with session_factory(any_engine)() as session:
        with pytest.raises(OperationalError):
            result = await session.execute(text("SELECT CAST(x'ff' AS TEXT)"))
            result.all()
        assert (await session.execute(text("SELECT 1"))).scalar_one() == 1
