"""Updates from Telegram, by polling or the webhook: kept in the inbox (`services.inbox`) before
Telegram is told they arrived, then handled from there, one chat's updates in order and chats
side by side. An update whose handling was cut short (the bot stopping, the database gone for a
moment) stays in the inbox and is handled again: at the next start, or by the inbox sweep once
this worker's hold on it has run out."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Hashable, Sequence
from datetime import timedelta
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramNetworkError, TelegramServerError
from aiogram.types import Update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.coalesce import Coalescer
from services import inbox
from services.clock import Clock
from services.inbox import AlreadyHandled, Handling, Received

log = logging.getLogger(__name__)

# Updates handled at once, across chats.
AT_ONCE = 100
# Failures another try may not repeat: the database or Telegram gone for a moment.
PASSING = (DBAPIError, TelegramNetworkError, TelegramServerError, OSError)


def chat_of(update: Update) -> int | None:
    """The chat an update is about, whose updates are handled in order."""
    event: Any = update.event
    chat = getattr(event, "chat", None)
    if chat is None:
        message = getattr(event, "message", None)
        chat = getattr(message, "chat", None)
    if chat is not None:
        return int(chat.id)
    user = getattr(event, "from_user", None)
    return int(user.id) if user is not None else None


def payload_of(update: Update) -> dict[str, Any]:
    """The update as Telegram sent it, to be read back with `Update.model_validate`."""
    return update.model_dump(mode="json", by_alias=True, exclude_none=True)


class UpdateInbox:
    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        lease: timedelta,
    ) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.sessions = sessions
        self.clock = clock
        self.lease = lease
        self._queues: dict[Hashable, deque[Update]] = {}
        self._chats: dict[Hashable, asyncio.Task[None]] = {}
        self._known: set[int] = set()
        self._at_once = asyncio.Semaphore(AT_ONCE)
        self._marks: Coalescer[int, None] = Coalescer(self._mark_handled)
        self._renewing: asyncio.Task[None] | None = None
        self._closing = False

    async def receive(self, updates: Sequence[Update]) -> None:
        """Keep the updates; once this returns they are safe and Telegram may be told so.
        Those seen before are left alone."""
        received = [Received(u.update_id, chat_of(u), payload_of(u)) for u in updates]
        async with self.sessions() as session:
            new = await inbox.store(session, received, self.clock.now(), self.lease)
        for update in updates:
            if update.update_id in new:
                self._schedule(update)

    async def pick_up(self) -> int:
        """Handle what is in the inbox unhandled and held by no live worker: what a stopped or
        crashed run left, oldest first."""
        async with self.sessions() as session:
            left = await inbox.pending(session, self.clock.now(), self.lease)
        taken = 0
        for received in left:
            if received.update_id in self._known:
                continue
            update = Update.model_validate(received.payload, context={"bot": self.bot})
            self._schedule(update)
            taken += 1
        return taken

    async def close(self, grace: float) -> None:
        """Stop taking updates, let those being handled finish for up to `grace` seconds, and
        give the rest back to the inbox for the next start."""
        self._closing = True
        if self._renewing is not None:
            self._renewing.cancel()
        running = list(self._chats.values())
        if running:
            await asyncio.wait(running, timeout=grace)
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        if self._known:
            try:
                async with self.sessions() as session:
                    await inbox.release(session, sorted(self._known))
            except PASSING as error:
                log.warning("updates not let go, taken again after their hold: %r", error)

    @property
    def busy(self) -> int:
        """Updates received and not handled yet."""
        return len(self._known)

    async def idle(self) -> None:
        """Wait until every update received so far has been handled."""
        while self._chats:
            await asyncio.wait(list(self._chats.values()))

    def _schedule(self, update: Update) -> None:
        if self._closing:
            return
        self._known.add(update.update_id)
        if self._renewing is None or self._renewing.done():
            self._renewing = asyncio.create_task(self._renew())
        chat = chat_of(update)
        key: Hashable = chat if chat is not None else ("update", update.update_id)
        self._queues.setdefault(key, deque()).append(update)
        if key not in self._chats:
            self._chats[key] = asyncio.create_task(self._drain(key))

    async def _renew(self) -> None:
        """While updates wait here, this worker's hold on them is renewed, so no other takes
        them meanwhile."""
        while self._known:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            try:
                async with self.sessions() as session:
                    until = self.clock.now() + self.lease
                    await inbox.renew(session, sorted(self._known), until)
            except PASSING as error:
                log.warning("hold on updates not renewed: %r", error)

    async def _drain(self, key: Hashable) -> None:
        queue = self._queues[key]
        try:
            while queue:
                update = queue[0]
                async with self._at_once:
                    await self._handle(update)
                queue.popleft()
                self._known.discard(update.update_id)
        finally:
            del self._chats[key]
            if not queue:
                del self._queues[key]

    async def _handle(self, update: Update) -> None:
        handling = Handling(update.update_id, self.clock.now())
        token = inbox.current.set(handling)
        try:
            await self.dispatcher.feed_update(self.bot, update)
        except AlreadyHandled:
            log.info("update %s was handled before; nothing changed", update.update_id)
            return
        except PASSING as error:
            # Left in the inbox: handled again once this worker's hold runs out.
            log.warning("update %s not handled now, later: %r", update.update_id, error)
            return
        except Exception as error:
            log.exception("update %s failed", update.update_id)
            async with self.sessions() as session:
                await inbox.mark_failed(session, update.update_id, self.clock.now(), repr(error))
            return
        finally:
            inbox.current.reset(token)
        if not handling.marked:
            await self._marks(update.update_id)

    async def _mark_handled(self, update_ids: Sequence[int]) -> list[None]:
        async with self.sessions() as session:
            await inbox.mark_handled(session, update_ids, self.clock.now())
        return [None] * len(update_ids)
