from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import event, exc, make_url
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

BUSY_TIMEOUT = 5.0
# A pooled connection left unused longer than this is checked before it is handed out.
PING_IDLE_OVER = 2.0


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
    engine = create_async_engine(url, **kwargs)
    _ping_when_idle(engine.sync_engine.dialect, engine.sync_engine.pool)
    return engine


def _ping_when_idle(dialect: Dialect, pool: Any) -> None:
    """A connection that sat in the pool over `PING_IDLE_OVER` seconds is pinged before use and
    replaced if the server dropped it (a restart, an idle timeout): what `pool_pre_ping` does,
    without its round trips on a connection that was in use a moment ago, as under load every
    one is (the ping is a transaction of its own, as many as the work itself)."""

    @event.listens_for(pool, "checkin")
    def _returned(_dbapi: Any, record: ConnectionPoolEntry) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _check(dbapi: Any, record: ConnectionPoolEntry, _proxy: PoolProxiedConnection) -> None:
        returned = record.info.get("returned_at")
        if returned is None or time.monotonic() - returned <= PING_IDLE_OVER:
            return  # new, or in use a moment ago
        try:
            alive = dialect.do_ping(dbapi)
        except dialect.loaded_dbapi.Error as error:
            if not dialect.is_disconnect(error, dbapi, None):
                raise
            alive = False
        if not alive:
            # The pool throws this connection away and hands out a fresh one.
            raise exc.DisconnectionError("the database dropped an idle connection")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class UnitOfWork(Session):
    """The session services work in; `services.inbox` marks updates handled with its commits."""


def session_factory(
    engine: AsyncEngine, info: dict[str, Any] | None = None
) -> async_sessionmaker[AsyncSession]:
    """`info` is handed to every session: what the company set in its environment that
    services need wherever they are called from (`services.company`)."""
    return async_sessionmaker(
        engine, expire_on_commit=False, sync_session_class=UnitOfWork, info=info or {}
    )


def is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"
