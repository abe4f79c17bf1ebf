"""Sliding flood windows, on an injectable clock: one second per chat and overall, and a minute
per group or supergroup."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

from .models import Limits

WINDOW = 1.0
# Telegram lets a bot send at most 20 messages a minute into one group or supergroup.
GROUP_WINDOW = 60.0
GROUP_PER_MINUTE = 20


def counts_towards_limits(method: str) -> bool:
    """Calls that send or edit messages; chat actions are not messages."""
    if method == "sendChatAction":
        return False
    return method.startswith(("send", "edit")) or method in (
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
    )


class RateLimiter:
    def __init__(self, limits: Limits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self._clock = clock
        self._global: deque[float] = deque()
        self._chats: dict[int, deque[float]] = {}
        self._groups: dict[int, deque[float]] = {}

    def _retry_after(
        self, window: deque[float], limit: int, now: float, span: float = WINDOW
    ) -> int | None:
        while window and now - window[0] >= span:
            window.popleft()
        if len(window) < limit:
            return None
        frees_at = window[len(window) - limit] + span
        return max(1, math.ceil(frees_at - now))

    def check(self, chat_id: int | None, in_group: bool = False) -> tuple[int, str] | None:
        """(retry_after, scope) when the call must be refused, else None; records nothing."""
        if not self.limits.enabled:
            return None
        now = self._clock()
        refusals: list[tuple[int, str]] = []
        if chat_id is not None:
            window = self._chats.setdefault(chat_id, deque())
            chat_wait = self._retry_after(window, self.limits.per_chat_per_second, now)
            if chat_wait is not None:
                refusals.append((chat_wait, "chat"))
        if chat_id is not None and in_group:
            window = self._groups.setdefault(chat_id, deque())
            group_wait = self._retry_after(window, GROUP_PER_MINUTE, now, GROUP_WINDOW)
            if group_wait is not None:
                refusals.append((group_wait, "group"))
        global_wait = self._retry_after(self._global, self.limits.global_per_second, now)
        if global_wait is not None:
            refusals.append((global_wait, "global"))
        return max(refusals) if refusals else None

    def record(self, chat_id: int | None, in_group: bool = False) -> None:
        if not self.limits.enabled:
            return
        now = self._clock()
        self._global.append(now)
        if chat_id is not None:
            self._chats.setdefault(chat_id, deque()).append(now)
        if chat_id is not None and in_group:
            self._groups.setdefault(chat_id, deque()).append(now)
