"""SQLite run inline on the event loop: SQLAlchemy's own sqlite3 dialect, declared async.

aiosqlite hands every call to a thread and back; a statement then costs several thread hops
(about half a millisecond), which dominates a bot's work on SQLite. SQLite answers a local
query in microseconds, so it runs on the loop. An async engine runs each call of its dialect
inside a greenlet; a dialect whose calls are themselves awaitables pays a switch out to the
loop and back for each (about ten a transaction), while this one calls sqlite3 directly.
A transaction never spans an await on anything but the database (services commit before
Telegram is called), so one process's connection never waits on itself; the busy timeout is
kept short so a lock held by another process surfaces as an error instead of a stalled loop.

`AsyncConnection.execute` refuses a driver that never awaits, so statements go through
sessions, or through `run_sync` on a connection (as migrations do).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import URL, pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite

BUSY_TIMEOUT = 5.0
DRIVER = "sqlite+inline"


class InlineCursor(sqlite3.Cursor):
    async def _async_soft_close(self) -> None:
        """The async session's hook before handing back a result: an async driver's cursor
        must be closed while the loop is at hand; this one's rows read without it."""


class InlineConnection(sqlite3.Connection):
    def cursor(self, factory: Any = InlineCursor) -> Any:
        return super().cursor(factory)


CONNECT_ARGS = {"timeout": BUSY_TIMEOUT, "factory": InlineConnection}


class InlineSQLiteDialect(SQLiteDialect_pysqlite):
    driver = "inline"
    supports_statement_cache = True
    is_async = True

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        if cls._is_url_file_db(url):
            return pool.AsyncAdaptedQueuePool
        return pool.StaticPool


registry.register("sqlite.inline", __name__, InlineSQLiteDialect.__name__)
