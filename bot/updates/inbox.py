"""Updates from Telegram, by polling or the webhook: kept in the inbox (`services.inbox`) before
Telegram is told they arrived, then handled from there, one chat's updates in order and chats
side by side. A chat's update waits while an earlier one of that chat is unhandled anywhere
(another worker has it, or it waits to be tried again), so order holds across workers and
restarts. An update whose handling was cut short (the bot stopping, the database or Telegram
gone for a moment) stays in the inbox and is handled again: at the next start, or by the inbox
sweep once this worker's hold on it has run out; one that keeps failing is given up after
MAX_ATTEMPTS.

An inline query is the exception: it is answered at once and never kept. It is worth
answering only while the user types (Telegram drops an answer to an old query), it changes
nothing, and the next letter brings a new one; keeping it would only make every answer wait
for two commits."""

from __future__ import annotations

import asyncio
import bisect
import logging
from collections.abc import Hashable, Sequence
from datetime import timedelta
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramNetworkError, TelegramServerError
from aiogram.types import Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.metrics import Metrics
from bot.workers import is_gone
from services import inbox, log_context
from services.clock import Clock
from services.coalesce import Coalescer
from services.db.errors import unavailable
from services.inbox import AlreadyHandled, Handling, Received

log = logging.getLogger(__name__)

# Updates handled at once, across chats.
AT_ONCE = 100
# Updates taken up from the inbox at once (at start, or by the sweep).
PICK_UP = 500
MAX_ATTEMPTS = 5
# How long a chat's update waits before it looks again for an earlier one to be handled.
EARLIER_WAIT = 0.5


def passing(error: BaseException) -> bool:
    """A failure another try may not repeat: the database or Telegram gone for a moment."""
    return unavailable(error) or isinstance(error, TelegramNetworkError | TelegramServerError)


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


def passing_by(update: Update) -> bool:
    """Answered at once and never kept: an inline query (see above)."""
    return update.inline_query is not None


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
        worker: str,
        metrics: Metrics,
    ) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.sessions = sessions
        self.clock = clock
        self.lease = lease
        self.worker = worker
        self.metrics = metrics
        # Each chat's updates waiting here, by update_id.
        self._queues: dict[Hashable, list[Update]] = {}
        self._chats: dict[Hashable, asyncio.Task[None]] = {}
        self._known: set[int] = set()
        self._at_once = asyncio.Semaphore(AT_ONCE)
        self._marks: Coalescer[int, None] = Coalescer(self._mark_handled)
        self._earliest: Coalescer[int, int | None] = Coalescer(self._earliest_unhandled)
        self._renewing: asyncio.Task[None] | None = None
        self._answering: set[asyncio.Task[None]] = set()
        self._closing = False

    async def receive(self, updates: Sequence[Update]) -> None:
        """Keep the updates; once this returns they are safe and Telegram may be told so.
        Those seen before are left alone."""
        kept = [u for u in updates if not passing_by(u)]
        if kept:
            received = [Received(u.update_id, chat_of(u), payload_of(u)) for u in kept]
            async with self.sessions() as session:
                now = self.clock.now()
                new = await inbox.store(session, received, now, self.lease, self.worker)
            for update in kept:
                if update.update_id in new:
                    self._schedule(update)
        # Once the rest is kept: a batch not kept comes again, and is answered then.
        for update in updates:
            if passing_by(update) and not self._closing:
                task = asyncio.create_task(self._answer(update))
                self._answering.add(task)
                task.add_done_callback(self._answering.discard)

    async def pick_up(self) -> int:
        """Handle what is in the inbox unhandled and held by no live worker: what a stopped or
        crashed run left, oldest first. Returns how many were taken up."""
        async with self.sessions() as session:
            now = self.clock.now()
            left = await inbox.pending(session, now, self.lease, self.worker, self._gone, PICK_UP)
        self.metrics.reclaimed("inbox_update", sum(r.taken_over for r in left))
        taken = 0
        for received in left:
            if received.update_id in self._known:
                continue
            if received.attempts > MAX_ATTEMPTS:
                await self._give_up(received.update_id, f"{MAX_ATTEMPTS} attempts failed")
                self.metrics.update_failed("given_up")
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
        running = [*self._chats.values(), *self._answering]
        if running:
            await asyncio.wait(running, timeout=grace)
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        if self._known:
            try:
                async with self.sessions() as session:
                    await inbox.release(session, sorted(self._known), self.worker)
            except Exception as error:
                log.warning("updates not let go, taken again after their hold: %r", error)

    async def idle(self) -> None:
        """Wait until every update received so far has been handled."""
        while self._chats or self._answering:
            await asyncio.wait([*self._chats.values(), *self._answering])

    def _gone(self, holder: str) -> bool:
        return is_gone(holder, self.worker)

    def _schedule(self, update: Update) -> None:
        if self._closing:
            return
        self._known.add(update.update_id)
        if self._renewing is None or self._renewing.done():
            self._renewing = asyncio.create_task(self._renew())
        chat = chat_of(update)
        key: Hashable = chat if chat is not None else ("update", update.update_id)
        bisect.insort(self._queues.setdefault(key, []), update, key=_update_id)
        if key not in self._chats:
            task = asyncio.create_task(self._drain(key, chat))
            task.add_done_callback(_log_failure)
            self._chats[key] = task

    async def _renew(self) -> None:
        """While updates wait here, this worker's hold on them is renewed, so no other takes
        them meanwhile."""
        while self._known:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            try:
                async with self.sessions() as session:
                    until = self.clock.now() + self.lease
                    await inbox.renew(session, sorted(self._known), until, self.worker)
            except Exception as error:
                log.warning("hold on updates not renewed: %r", error)

    async def _drain(self, key: Hashable, chat: int | None) -> None:
        queue = self._queues[key]
        try:
            while queue:
                update = queue[0]
                try:
                    if chat is not None and not await self._earlier_done(chat, update, queue):
                        continue  # an earlier update joined the queue: it goes first
                    async with self._at_once:
                        with log_context.handling(update.update_id):
                            await self._handle(update)
                except Exception as error:
                    # Left in the inbox, held until its hold runs out: the sweep takes it then,
                    # and this chat's later updates wait for it.
                    log.warning("update %s not handled now: %r", update.update_id, error)
                queue.remove(update)
                self._known.discard(update.update_id)
        finally:
            del self._chats[key]
            if not queue:
                del self._queues[key]

    async def _earlier_done(self, chat: int, update: Update, queue: list[Update]) -> bool:
        """Wait while an earlier update of the chat is unhandled (held by another worker, or
        left to be tried again); False when one joins this queue meanwhile."""
        while queue[0] is update:
            earliest = await self._earliest(chat)
            if earliest is None or earliest >= update.update_id:
                return True
            await asyncio.sleep(EARLIER_WAIT)
        return False

    async def _handle(self, update: Update) -> None:
        handling = Handling(update.update_id, self.clock.now())
        token = inbox.current.set(handling)
        try:
            with self.metrics.handling():
                await self.dispatcher.feed_update(self.bot, update)
        except AlreadyHandled:
            log.info("update %s was handled before; nothing changed", update.update_id)
            return
        except Exception as error:
            if not handling.marked and passing(error):
                self.metrics.update_failed("retried")
                raise  # tried again later
            if handling.marked:
                # Its change is kept; what it would have answered is lost.
                self.metrics.update_failed("answer_lost")
                log.warning("update %s: answer lost: %r", update.update_id, error)
            else:
                self.metrics.update_failed("given_up")
                log.exception("update %s failed", update.update_id)
                await self._give_up(update.update_id, repr(error))
            return
        finally:
            inbox.current.reset(token)
        if not handling.marked:
            await self._marks(update.update_id)
        self.metrics.update_handled()

    async def _answer(self, update: Update) -> None:
        """An update not kept: handled once, now; a failure is logged and forgotten."""
        async with self._at_once:
            with log_context.handling(update.update_id):
                try:
                    with self.metrics.handling():
                        await self.dispatcher.feed_update(self.bot, update)
                except Exception as error:
                    self.metrics.update_failed("given_up")
                    log.warning("update %s not answered: %r", update.update_id, error)
                    return
        self.metrics.update_handled()

    async def _give_up(self, update_id: int, why: str) -> None:
        async with self.sessions() as session:
            await inbox.mark_failed(session, update_id, self.clock.now(), why)

    async def _mark_handled(self, update_ids: Sequence[int]) -> list[None]:
        async with self.sessions() as session:
            await inbox.mark_handled(session, update_ids, self.clock.now())
        return [None] * len(update_ids)

    async def _earliest_unhandled(self, chats: Sequence[int]) -> list[int | None]:
        async with self.sessions() as session:
            earliest = await inbox.earliest_unhandled(session, set(chats))
        return [earliest.get(chat) for chat in chats]


def _update_id(update: Update) -> int:
    return update.update_id


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("a chat's updates stopped", exc_info=task.exception())
