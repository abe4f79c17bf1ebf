"""SQLite run inline on the event loop: SQLAlchemy's own sqlite3 dialect, declared async.

aiosqlite hands every call to a thread and back; a statement then costs several thread hops
(about half a millisecond), which dominates a bot's work on SQLite. SQLite answers a local
query in microseconds, so it runs on the loop. An async engine runs each call of its dialect
inside a greenlet; a dialect whose calls are themselves awaitables pays a switch out to the
loop and back for each (about ten a transaction), while this one calls sqlite3 directly.
A transaction never spans an await on anything but the database (services commit before
Telegram is called), so one process's connection never waits on itself; a lock held by
another process stalls the loop for at most the busy timeout, then surfaces as an error.

`AsyncConnection.execute` (and its `scalar`, `scalars`, `exec_driver_sql`) refuses a driver
that never awaits, after running the statement: statements go through sessions, or through
`run_sync` on a connection (as migrations do).
"""

from __future__ import annotations

import sqlite3
from collections import deque
from typing import Any

from sqlalchemy import URL, pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite

BUSY_TIMEOUT = 5.0
DRIVER = "sqlite+inline"


class InlineCursor(sqlite3.Cursor):
    """A result handed back by an async session is read at once, as an async driver's is: it
    holds what the statement saw, whatever the transaction writes next, and keeps no read
    open on the connection."""

    _rows: deque[Any] | None = None
    # An error met while reading ahead is raised where the rows are read, so SQLAlchemy
    # wraps and handles it as it would have.
    _error: sqlite3.Error | None = None

    def execute(self, sql: str, parameters: Any = (), /) -> InlineCursor:
        self._rows, self._error = None, None
        return super().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> InlineCursor:
        self._rows, self._error = None, None
        return super().executemany(sql, parameters)

    async def _async_soft_close(self) -> None:
        """The async session's hook before it hands a result back."""
        try:
            self._rows = deque(super().fetchall())
        except sqlite3.Error as error:
            self._rows, self._error = deque(), error

    def _read(self) -> deque[Any] | None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        return self._rows

    def fetchone(self) -> Any:
        rows = self._read()
        if rows is None:
            return super().fetchone()
        return rows.popleft() if rows else None

    def fetchmany(self, size: int | None = None) -> list[Any]:
        count = self.arraysize if size is None else size
        rows = self._read()
        if rows is None:
            return super().fetchmany(count)
        return [rows.popleft() for _ in range(min(count, len(rows)))]

    def fetchall(self) -> list[Any]:
        rows = self._read()
        if rows is None:
            return super().fetchall()
        self._rows = deque()
        return list(rows)

    def __next__(self) -> Any:
        rows = self._read()
        if rows is None:
            return super().__next__()
        if not rows:
            raise StopIteration
        return rows.popleft()


class InlineConnection(sqlite3.Connection):
    def cursor(self, factory: Any = InlineCursor) -> Any:
        return super().cursor(factory)


CONNECT_ARGS = {"timeout": BUSY_TIMEOUT, "factory": InlineConnection}


class InlineSQLiteDialect(SQLiteDialect_pysqlite):
    driver = "inline"
    supports_statement_cache = True
    is_async = True
    # A connection dropped without being returned (its session never closed) is closed, so
    # an unfinished write gives its lock back instead of holding it until the process ends.
    has_terminate = True

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        """One connection kept for a database in memory: a new one would be another,
        empty database."""
        if cls._is_url_file_db(url):
            return pool.AsyncAdaptedQueuePool
        return pool.StaticPool


registry.register("sqlite.inline", __name__, InlineSQLiteDialect.__name__)
