"""The pending-update queue behind getUpdates: offsets, limits, long polling, allowed_updates."""

from __future__ import annotations

from typing import Any

from .errors import conflict
from .events import Changes

OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
TERMINATED = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)


class UpdateQueue:
    def __init__(self, changes: Changes) -> None:
        self._changes = changes
        self.pending: list[dict[str, Any]] = []
        self.next_update_id = 1
        self.allowed: frozenset[str] | None = None
        self.poll_generation = 0
        self._ended_by = TERMINATED
        self.closing = False

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self.next_update_id, kind: payload}
        self.next_update_id += 1
        self.pending.append(update)
        self._changes.notify()
        return update

    def set_allowed(self, allowed: list[str] | None) -> None:
        if allowed is not None:
            self.allowed = frozenset(allowed) if allowed else None

    def is_allowed(self, update: dict[str, Any]) -> bool:
        kind = next(key for key in update if key != "update_id")
        if self.allowed is None:
            return kind not in OPT_IN_UPDATES
        return kind in self.allowed

    def confirm(self, offset: int) -> None:
        if offset < 0:
            self.pending = self.pending[offset:]
        elif offset > 0:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]

    def drop_all(self) -> None:
        self.pending.clear()

    def _available(self, limit: int) -> list[dict[str, Any]]:
        self.pending = [u for u in self.pending if self.is_allowed(u)]
        return self.pending[:limit]

    def first(self) -> dict[str, Any] | None:
        """The oldest update the bot wants, next in line for its webhook."""
        available = self._available(1)
        return available[0] if available else None

    async def get(self, offset: int, limit: int, timeout: float) -> list[dict[str, Any]]:
        """Long poll like Telegram; an overlapping newer poll terminates this one with 409."""
        self.confirm(offset)
        limit = limit if 1 <= limit <= 100 else 100
        self.end_polls(TERMINATED)
        generation = self.poll_generation

        def ready() -> tuple[list[dict[str, Any]]] | None:
            if generation != self.poll_generation:
                raise conflict(self._ended_by)
            if self.closing:
                return ([],)
            available = self._available(limit)
            return (available,) if available else None

        immediate = ready()
        if immediate is not None or timeout <= 0:
            return immediate[0] if immediate else []
        try:
            return (await self._changes.until(ready, timeout))[0]
        except TimeoutError:
            return []

    def end_polls(self, reason: str) -> None:
        """End a poll still waiting with 409 Conflict, as Telegram does when another poll or
        setWebhook comes."""
        self.poll_generation += 1
        self._ended_by = reason
        self._changes.notify()

    def terminate_polls(self) -> None:
        """Release waiting polls (emulator shutdown) so the server stops promptly."""
        self.closing = True
        self._changes.notify()
