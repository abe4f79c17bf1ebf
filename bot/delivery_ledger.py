"""Sends that Telegram has answered are recorded together, and never more than a few sends
are unrecorded at once.

Recording a send (its message remembered, its rows marked sent) is a transaction; one per send
was the sender's largest cost under load. Here a send takes a slot before it goes and keeps it
until it is recorded. Answered sends wait to be recorded until no send is on its way (nothing
more is about to be answered) or until a send needs a slot and none is free; then all of them
are recorded in one transaction. A send never waits for another send, only for a slot. A crash
repeats at most the slots' worth: sends on their way, or answered and not yet recorded."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

Sent = TypeVar("Sent")


class Ledger(Generic[Sent]):
    def __init__(self, record: Callable[[Sequence[Sent]], Awaitable[None]], slots: int) -> None:
        self._record = record
        self._slots = slots
        self._taken = 0
        self._on_the_way = 0
        self._answered: list[Sent] = []
        self._freed = asyncio.Event()

    @property
    def unrecorded(self) -> int:
        """Sends on their way or answered and not yet recorded."""
        return self._taken

    async def take(self) -> None:
        """A slot for one send; with none free, what was answered is recorded first."""
        while self._taken >= self._slots:
            if self._answered:
                await self.flush()
            else:
                self._freed.clear()
                await self._freed.wait()
        self._taken += 1
        self._on_the_way += 1

    def give_back(self) -> None:
        """The send did not go through: nothing to record."""
        self._on_the_way -= 1
        self._release(1)

    async def answered(self, sent: Sent) -> None:
        self._on_the_way -= 1
        self._answered.append(sent)
        if self._on_the_way == 0:
            await self.flush()

    async def flush(self) -> None:
        """Record every answered send now. A failure is logged: the rows keep their lease
        and are sent again when it runs out."""
        batch, self._answered = self._answered, []
        if not batch:
            return
        try:
            await self._record(batch)
        except Exception:
            log.exception("%s sent messages could not be recorded", len(batch))
        finally:
            self._release(len(batch))

    def _release(self, count: int) -> None:
        self._taken -= count
        self._freed.set()
