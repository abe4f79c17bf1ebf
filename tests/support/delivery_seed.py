"""Queued notifications for delivery tests against the emulator, seeded as the delivery
benchmark seeds them: each row's text carries a unique number, so what arrived can be counted
for losses and duplicates."""

from __future__ import annotations

from collections import Counter

from benchmarks.delivery import FIRST_CHAT, NUMBER, seed
from emulator import Emulator

__all__ = ["FIRST_CHAT", "received", "seed"]


def received(emulator: Emulator, chats: int) -> Counter[int]:
    """How often each queued number reached its chat."""
    seen: Counter[int] = Counter()
    for chat in range(FIRST_CHAT, FIRST_CHAT + chats):
        for message in emulator.messages(chat):
            seen.update(int(n) for n in NUMBER.findall(message.text or ""))
    return seen
