from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session

BUSY_TIMEOUT = 5.0


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if url.startswith("sqlite"):
        database = make_url(url).database or ":memory:"
        pooling: dict[str, Any] = {}
        if database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            # One connection: SQLite has one writer anyway, and waiting for the connection in
            # the pool is far cheaper than SQLite's sleeping busy handler under concurrent
            # updates. (aiosqlite keeps a database in memory on one connection by itself.)
            pooling = {"pool_size": 1, "max_overflow": 0}
        engine = create_async_engine(
            url, connect_args={"timeout": BUSY_TIMEOUT}, **pooling, **kwargs
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class UnitOfWork(Session):
    """The session services work in; `services.inbox` marks updates handled with its commits."""


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=UnitOfWork)


def is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"
