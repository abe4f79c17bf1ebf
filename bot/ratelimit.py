"""Telegram's send budget: an overall rate and a per-chat rate, on a monotonic clock.

Sends are spaced evenly, a hair under the budget (MARGIN), and a window of the last second's
sends, counted from when each was answered, keeps a send that went out late from crowding the
next ones into one second: Telegram sees a message arrive somewhere between the start and the
end of its request. After a 429 nothing at all is sent before its retry_after has passed:
Telegram does not say whether the flood was the chat's or the bot's."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

MARGIN = 0.99
# Budgets above this are not Telegram's; no window of past sends is kept for them.
WINDOWED_UP_TO = 1000
WINDOW = 1.0


class SendBudget:
    def __init__(
        self,
        per_second: float,
        per_chat_per_second: float,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        margin: float = MARGIN,
    ) -> None:
        self.interval = 1.0 / (per_second * margin)
        self.chat_interval = 1.0 / (per_chat_per_second * margin)
        self.monotonic = monotonic
        self.sleep = sleep
        self._next_global = 0.0
        self._next_chat: dict[int, float] = {}
        self._paused_until = 0.0
        self._pauses = 0
        # Telegram counts arrivals, which we only know to lie between the start and the end of
        # a request. So a send starts only when fewer than `size` sends ended within the last
        # second or are still on their way: any `size` + 1 arrivals then span a second, however
        # late a send went out or how long it travelled.
        self._size = int(per_second) if per_second <= WINDOWED_UP_TO else 0
        self._ended: deque[float] = deque(maxlen=max(self._size, 1))
        self._travelling = 0

    def reserve(self) -> float:
        """Book the next overall slot; returns how long to wait for it."""
        now = self.monotonic()
        slot = max(now, self._next_global, self._paused_until)
        self._next_global = slot + self.interval
        return slot - now

    async def chat_ready(self, chat_id: int) -> None:
        """Wait until the chat may be sent to again (and any pause is over)."""
        while True:
            wait = max(self._next_chat.get(chat_id, 0.0), self._paused_until) - self.monotonic()
            if wait <= 0:
                return
            await self.sleep(wait)

    async def acquire(self, chat_id: int) -> None:
        """Wait until the chat may be sent to, then for an overall slot; a pause that begins
        meanwhile voids the slot. Only chats ready to send book overall slots, so a chat
        waiting out its own second never holds the others back."""
        while True:
            await self.chat_ready(chat_id)
            pauses = self._pauses
            wait = self.reserve()
            if wait > 0:
                await self.sleep(wait)
            crowded = self._crowded()
            if crowded > 0:
                await self.sleep(crowded)
            if pauses == self._pauses and self._crowded() <= 0:
                self._travelling += 1
                # One task sends to a chat at a time, so its next slot is set once certain;
                # `ended` moves it on again.
                self._next_chat[chat_id] = self.monotonic() + self.chat_interval
                self._forget_idle_chats()
                return

    def ended(self, chat_id: int) -> None:
        """A send that `acquire` let through has been answered (or failed). The chat's next
        send counts from here, the latest its message can have arrived."""
        now = self.monotonic()
        self._travelling -= 1
        self._next_chat[chat_id] = now + self.chat_interval
        if self._size:
            self._ended.append(now)

    def _crowded(self) -> float:
        """How long to wait before one more send keeps every second within the budget."""
        if not self._size:
            return 0.0
        now = self.monotonic()
        recent = [t for t in self._ended if t > now - WINDOW]
        if self._travelling + len(recent) < self._size:
            return 0.0
        return recent[0] + WINDOW - now if recent else self.interval

    def pause(self, seconds: float) -> None:
        """Telegram said retry_after: nothing is sent before then; slots booked are void."""
        until = self.monotonic() + seconds
        if until > self._paused_until:
            self._paused_until = until
            self._next_global = until
            self._pauses += 1

    def _forget_idle_chats(self) -> None:
        if len(self._next_chat) > 10_000:
            now = self.monotonic()
            self._next_chat = {c: t for c, t in self._next_chat.items() if t > now}
