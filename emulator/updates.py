"""The pending-update queue behind getUpdates: offsets, limits, long polling, allowed_updates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import conflict
from .events import Changes

OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
TERMINATED = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)
# Telegram keeps an update for the bot at most a day, however it is to be delivered.
KEPT_FOR = 24 * 60 * 60.0


class UpdateQueue:
    def __init__(self, changes: Changes, clock: Callable[[], float]) -> None:
        self._changes = changes
        self._clock = clock
        # When each pending update came, by update_id.
        self._born: dict[int, float] = {}
        self.pending: list[dict[str, Any]] = []
        self.next_update_id = 1
        self.allowed: frozenset[str] | None = None
        self.poll_generation = 0
        self._ended_by = TERMINATED
        self.closing = False

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self.next_update_id, kind: payload}
        self._born[self.next_update_id] = self._clock()
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
            self._keep(self.pending[offset:])
        elif offset > 0:
            self._keep([u for u in self.pending if u["update_id"] >= offset])

    def take(self, update_id: int) -> None:
        """One update delivered (to a webhook), whatever came before or after it."""
        self._keep([u for u in self.pending if u["update_id"] != update_id])

    def holds(self, update_id: int) -> bool:
        """Whether the update is still to be delivered: not taken, nor kept too long."""
        return any(u["update_id"] == update_id for u in self.available())

    def drop_all(self) -> None:
        self._keep([])

    def _keep(self, updates: list[dict[str, Any]]) -> None:
        self.pending = updates
        kept = {u["update_id"] for u in updates}
        self._born = {i: born for i, born in self._born.items() if i in kept}

    def available(self) -> list[dict[str, Any]]:
        """The updates the bot wants, oldest first; one older than a day is dropped."""
        oldest = self._clock() - KEPT_FOR

        def wanted(update: dict[str, Any]) -> bool:
            return self.is_allowed(update) and self._born[update["update_id"]] >= oldest

        if not all(wanted(u) for u in self.pending):
            self._keep([u for u in self.pending if wanted(u)])
        return self.pending

    def _available(self, limit: int) -> list[dict[str, Any]]:
        return self.available()[:limit]

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
