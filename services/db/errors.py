"""Which database errors mean that the database cannot serve anyone now (the HTTP API answers
503, an update is handled again later), as against work the code got wrong (a bug: a 500, or
an update given up)."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# PostgreSQL SQLSTATE classes: connection exceptions, out of resources, shutting down or not
# yet up, no such database, login refused.
_PG_STATES = ("08", "53", "57P", "3D", "28")
# SQLite result codes (extended codes share the prefix): the file cannot be opened, stays
# busy past the timeout, cannot be read or written, or the disk is full.
_SQLITE_CODES = ("SQLITE_CANTOPEN", "SQLITE_BUSY", "SQLITE_IOERR", "SQLITE_FULL")


def unavailable(error: BaseException) -> bool:
    # Connecting refused, unresolvable or timed out; or every pooled connection busy too long.
    if isinstance(error, OSError | PoolTimeout):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    state = getattr(error.orig, "sqlstate", None) or ""
    code = getattr(error.orig, "sqlite_errorname", None) or ""
    return state.startswith(_PG_STATES) or code.startswith(_SQLITE_CODES)
