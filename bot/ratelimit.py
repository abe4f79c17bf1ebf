"""Telegram's send budget: an overall rate and a per-chat rate, on a monotonic clock."""

from __future__ import annotations

import time
from collections.abc import Callable


class SendBudget:
    def __init__(
        self,
        per_second: float,
        per_chat_per_second: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = 1.0 / per_second
        self.chat_interval = 1.0 / per_chat_per_second
        self.monotonic = monotonic
        self._next_global = 0.0
        self._next_chat: dict[int, float] = {}

    def reserve(self, chat_id: int) -> float:
        """Book the next slot for this chat; returns how long to wait before using it."""
        now = self.monotonic()
        slot = max(now, self._next_global, self._next_chat.get(chat_id, 0.0))
        self._next_global = slot + self.interval
        self._next_chat[chat_id] = slot + self.chat_interval
        if len(self._next_chat) > 10_000:
            self._next_chat = {c: t for c, t in self._next_chat.items() if t > now}
        return slot - now

    def pause(self, seconds: float, chat_id: int | None = None) -> None:
        """Telegram said retry_after: nothing goes to that chat (or at all) before then."""
        until = self.monotonic() + seconds
        if chat_id is None:
            self._next_global = max(self._next_global, until)
        else:
            self._next_chat[chat_id] = max(self._next_chat.get(chat_id, 0.0), until)
