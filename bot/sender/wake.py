"""Rows queued by one process wake the senders of every process of the bot, through Redis.

A web process handling an update queues its notices; the workers' senders learn of them at once
instead of at their next look at the outbox. Wake-ups are coalesced: while one is being
published, any number more make one more. Losing one costs only that wait: every sender still
looks at the outbox on its own every few seconds."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# Seconds between attempts to listen again after Redis went away.
RELISTEN = 1.0


class SharedWake:
    def __init__(self, redis: Redis, bot_id: int) -> None:
        self.redis = redis
        self.channel = f"axin:outbox:{bot_id}"
        self._publishing: asyncio.Task[None] | None = None
        self._again = False

    def __call__(self) -> None:
        """Tell every sender that rows were queued."""
        if self._publishing is not None and not self._publishing.done():
            self._again = True
            return
        self._publishing = asyncio.ensure_future(self._publish())

    async def _publish(self) -> None:
        while True:
            self._again = False
            try:
                await self.redis.publish(self.channel, b"1")
            except RedisError as error:
                log.warning("outbox wake-up not published: %s", error)
            if not self._again:
                return

    async def listen(self, wake: Callable[[], None]) -> None:
        """Call `wake` for every wake-up published, until cancelled."""
        while True:
            try:
                async with self.redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self.channel)
                    # Anything queued while not listening is found by the look that follows.
                    wake()
                    async for _ in pubsub.listen():
                        wake()
            except RedisError as error:
                log.warning("not listening for outbox wake-ups: %s", error)
                await asyncio.sleep(RELISTEN)
