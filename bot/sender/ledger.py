"""Sends that Telegram has answered are recorded at once (their messages remembered, their rows
marked sent); those answered while a record is being written are recorded together right after
it. A send takes a slot before it goes and keeps it until it is recorded, so never more than a
few sends are unrecorded at once. A crash repeats only what was unrecorded: the sends on their
way and those being recorded.

Slots are handed out in the order asked for (`take`'s `order`: a send's priority, then when
it is due), not in the order sends came to wait, so an answer, or a chat's next message after
its second, does not queue behind every send claimed before it came to wait.

A record is written by a task of its own, so a sender stopped while waiting for its record does
not cut it short; `close` waits for what is left. A batch that fails is recorded send by send,
so one bad row leaves only itself unrecorded."""

from __future__ import annotations

import asyncio
import heapq
import itertools
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
        self._waiting: list[tuple[tuple[float, ...], int, asyncio.Future[None]]] = []
        self._arrivals = itertools.count()
        self._answered: list[tuple[Sent, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    @property
    def unrecorded(self) -> int:
        """Slots taken: sends about to go, on their way, or answered and not yet recorded."""
        return self._taken

    async def take(self, order: tuple[float, ...] = ()) -> None:
        """A slot for one send; sends waiting for one get it lowest `order` first, then in
        the order they came."""
        if self._taken < self._slots and not self._waiting:
            self._taken += 1
            return
        given = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (order, next(self._arrivals), given))
        try:
            await given
        except asyncio.CancelledError:
            if given.done() and not given.cancelled():
                self.release()  # handed over as the wait was given up
            else:
                given.cancel()
            raise

    def release(self) -> None:
        """The send took its slot and was not answered: there is nothing to record."""
        self._taken -= 1
        self._hand_over()

    def _hand_over(self) -> None:
        while self._waiting and self._taken < self._slots:
            _, _, given = heapq.heappop(self._waiting)
            if given.done():  # given up while waiting
                continue
            self._taken += 1
            given.set_result(None)

    async def answered(self, sent: Sent) -> None:
        """Record the send; returns once it is recorded (or its failure logged)."""
        recorded = asyncio.get_running_loop().create_future()
        self._answered.append((sent, recorded))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all())
        await asyncio.shield(recorded)

    async def close(self) -> None:
        """What the sender does last: every answered send recorded."""
        if self._writer is not None:
            await self._writer

    async def _write_all(self) -> None:
        while self._answered:
            batch, self._answered = self._answered, []
            await self._write([sent for sent, _ in batch])
            self._taken -= len(batch)
            self._hand_over()
            for _, recorded in batch:
                if not recorded.done():
                    recorded.set_result(None)

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
