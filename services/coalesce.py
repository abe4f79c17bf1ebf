"""Group work that arrives together: one database round for many updates.

Updates from one poll are handled as concurrent tasks. Each waits here; the work starts on the
event loop's next turn, so every task that was ready by then is in the same batch, and one
transaction carries them all. A single update waits no longer than it did alone. The work
returns a result or an error for each item; a batch that fails as a whole is retried item by
item, so one bad item fails only its own update."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

Work = Callable[[Sequence[Item]], Awaitable[Sequence[Result | Exception]]]


class Coalescer(Generic[Item, Result]):
    def __init__(self, work: Work[Item, Result]) -> None:
        self._work = work
        self._pending: list[tuple[Item, asyncio.Future[Result]]] = []
        self._runner: asyncio.Task[None] | None = None

    async def __call__(self, item: Item) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._runner is None:
            self._runner = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        batch: list[tuple[Item, asyncio.Future[Result]]] = []
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                await self._run(batch)
        finally:
            self._runner = None
            # Stopped mid-way (the bot is shutting down): nobody is left waiting forever.
            for _, future in batch + self._pending:
                future.cancel()
            self._pending = []

    async def _run(self, batch: list[tuple[Item, asyncio.Future[Result]]]) -> None:
        try:
            results = await self._work([item for item, _ in batch])
        except Exception as error:
            if len(batch) == 1:
                if not batch[0][1].done():
                    batch[0][1].set_exception(error)
                return
            for one in batch:
                await self._run([one])
            return
        for (_, future), result in zip(batch, results, strict=True):
            if future.done():  # its update was cancelled while waiting
                continue
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)
