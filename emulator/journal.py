"""The record of every call the bot made and every 429 it got, for assertions and benchmarks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .events import Changes
from .models import RateLimitRecord, RequestRecord


class Journal:
    def __init__(self, changes: Changes) -> None:
        self.requests: list[RequestRecord] = []
        self.rate_limited: list[RateLimitRecord] = []
        self._changes = changes

    def record(
        self,
        method: str,
        arrived: float,
        chat_id: int | None,
        params: dict[str, Any],
        status: int,
        description: str | None,
        result: Any,
    ) -> RequestRecord:
        index = len(self.requests)
        record = RequestRecord(
            index, method, arrived, chat_id, params, status, description, result
        )
        self.requests.append(record)
        self._changes.notify()
        return record

    def refused(self, record: RateLimitRecord) -> None:
        self.rate_limited.append(record)

    def find(
        self, method: str, since: int, predicate: Callable[[RequestRecord], bool] | None
    ) -> RequestRecord | None:
        """First call of `method` (any case) with index >= since that matches predicate."""
        for record in self.requests[since:]:
            if record.method.lower() == method.lower() and (
                predicate is None or predicate(record)
            ):
                return record
        return None
