"""What the running parts (sweeps, the HTTP side) are handed by the composition root, as
protocols: the app satisfies them, and none of those parts imports the app."""

from __future__ import annotations

from typing import Protocol

from aiogram import Bot
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.metrics import Metrics
from bot.settings import Settings
from bot.updates.inbox import UpdateInbox
from services.clock import Clock


class Wakes(Protocol):
    """The outbox sender: what was queued goes out now, not at its next look."""

    def wake(self) -> None: ...


class Running(Protocol):
    @property
    def settings(self) -> Settings: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]: ...

    @property
    def metrics(self) -> Metrics: ...

    @property
    def sender(self) -> Wakes: ...

    # The update inbox: where updates are kept, handled and picked up after a crash.
    @property
    def inbox(self) -> UpdateInbox: ...


class Serving(Running, Protocol):
    """The HTTP side also answers the webhook with the bot and reports on Redis."""

    @property
    def bot(self) -> Bot: ...

    @property
    def redis(self) -> Redis | None: ...
