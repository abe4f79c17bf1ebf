"""Sends that Telegram has answered are recorded together, and never more than a few sends
are unrecorded at once.

Recording a send (its message remembered, its rows marked sent) is a transaction; one per send
was the sender's largest cost under load. Here a send takes a slot before it goes and keeps it
until it is recorded. Answered sends are recorded together as soon as no send is on its way
(nothing more is about to be answered), a send waits for a slot, or the first of them was
answered `max_wait` ago (sends overlapping without a gap would otherwise keep them waiting). A
send never waits for another send, only for a slot; a send held back by the rate budget is not
on its way. A crash repeats at most the slots' worth: sends on their way, or answered and not
yet recorded.

A record cut short by the sender stopping is kept for its last flush; a batch that fails is
recorded send by send, so one bad row leaves only itself unrecorded."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

Sent = TypeVar("Sent")


MAX_WAIT = 1.0


class Ledger(Generic[Sent]):
    def __init__(
        self,
        record: Callable[[Sequence[Sent]], Awaitable[None]],
        slots: int,
        max_wait: float = MAX_WAIT,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._record = record
        self._slots = slots
        self._max_wait = max_wait
        self._monotonic = monotonic
        self._first_answered = 0.0
        self._taken = 0
        self._on_the_way = 0
        self._waiting = 0
        self._answered: list[Sent] = []
        self._freed = asyncio.Event()
        self._later: set[asyncio.Task[None]] = set()

    @property
    def unrecorded(self) -> int:
        """Slots taken: sends about to go, on their way, or answered and not yet recorded."""
        return self._taken

    async def take(self) -> None:
        """A slot for one send; with none free, what was answered is recorded first."""
        self._waiting += 1
        try:
            while self._taken >= self._slots:
                if self._answered:
                    await self.flush()
                else:
                    self._freed.clear()
                    await self._freed.wait()
        finally:
            self._waiting -= 1
        self._taken += 1

    def going(self) -> None:
        """The send leaves now: it is on its way until answered or dropped."""
        self._on_the_way += 1

    async def answered(self, sent: Sent) -> None:
        self._on_the_way -= 1
        if not self._answered:
            self._first_answered = self._monotonic()
        self._answered.append(sent)
        if self._due():
            await self.flush()

    async def dropped(self, went: bool = True) -> None:
        """The send did not go through (or never left): nothing to record for it."""
        self._give_back(went)
        if self._due():
            await self.flush()

    def abandon(self, went: bool) -> None:
        """`dropped` for a send stopped by an error, where nothing is awaited: what was
        answered is recorded in a task of its own if this was the last send on its way."""
        self._give_back(went)
        if self._due():
            task = asyncio.create_task(self.flush())
            self._later.add(task)
            task.add_done_callback(self._later.discard)

    async def flush(self) -> None:
        """Record every answered send now. Stopped meanwhile (the bot stopping), the batch is
        kept for the next flush, which `close` makes."""
        batch, self._answered = self._answered, []
        if not batch:
            return
        try:
            await self._write(batch)
        except asyncio.CancelledError:
            self._answered = batch + self._answered
            raise
        self._release(len(batch))

    async def close(self) -> None:
        """What the sender does last: every answered send recorded."""
        await asyncio.gather(*self._later, return_exceptions=True)
        await self.flush()

    def _due(self) -> bool:
        return bool(self._answered) and (
            self._on_the_way == 0
            or self._waiting > 0
            or self._monotonic() - self._first_answered >= self._max_wait
        )

    def _give_back(self, went: bool) -> None:
        if went:
            self._on_the_way -= 1
        self._release(1)

    async def _write(self, batch: list[Sent]) -> None:
        if len(batch) > 1:
            try:
                await self._record(batch)
                return
            except Exception:
                log.exception("%s sent messages could not be recorded together", len(batch))
        for sent in batch:
            try:
                await self._record([sent])
            except Exception:
                log.exception("a sent message could not be recorded")

    def _release(self, count: int) -> None:
        self._taken -= count
        self._freed.set()
