"""Time source for services, so tests and the sandbox can move time without sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to (tests, the sandbox's time jumps)."""

    def __init__(self, start: datetime | None = None, *, follow_system: bool = False) -> None:
        self._offset = timedelta()
        self._fixed = start or datetime.now(UTC)
        self._follow = follow_system
        self._anchor = datetime.now(UTC)

    def now(self) -> datetime:
        if self._follow:
            return datetime.now(UTC) - self._anchor + self._fixed + self._offset
        return self._fixed + self._offset

    def advance(self, delta: timedelta) -> None:
        self._offset += delta
