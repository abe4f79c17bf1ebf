"""Delivers the outbox: claims due rows with a lease, combines what waits for one chat,
sends within the budget, and records each result as Telegram answers it, those answered
together in one go (`bot/delivery_ledger.py`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNotFound,
)
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.budget import SendBudget, sending_as
from bot.delivery_ledger import Ledger
from bot.delivery_merge import Piece, Rendered, combine
from bot.notifications import RENDERERS, Context, Outgoing, cards_for
from bot.pacing import Priority
from bot.settings import Settings
from services import outbox, unreachable
from services.access import locale_of
from services.clock import Clock
from services.db.models import Outbox, User
from services.errors import NotFound
from services.views import DealCard, user_by_tg

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 30
# Sends waiting for the overall budget, on their way, or answered and being recorded, at once;
# a chat waiting for its own turn holds none. A crash repeats at most these, and in practice
# only those on their way or being recorded: a few, at Telegram's pace.
IN_FLIGHT = 32
RENDERING = 4
# Rows claimed at once at most, whatever the budget (one without Telegram's limits has none).
MAX_CLAIM = 1000
REFUSED = (TelegramBadRequest, TelegramNotFound, TelegramEntityTooLarge)


@dataclass(frozen=True)
class Delivered:
    chat_id: int
    message_id: int
    piece: Piece


@dataclass(frozen=True)
class Stop:
    """Why the rest of a chat's rows wait: until `retry` (None: they are given up)."""

    retry: datetime | None
    error: str


class OutboxSender:
    def __init__(
        self,
        bot: Bot,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        settings: Settings,
        i18n: I18n,
        budget: SendBudget,
    ) -> None:
        self.bot = bot
        self.engine = engine
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.i18n = i18n
        # Sends keep the budget through the bot's request middleware; the sender only waits
        # for a chat's turn before it takes a slot among those in flight.
        self.budget = budget
        # What fits in a lease: at the budget's pace every claimed row is sent before the
        # lease runs out, so no other worker takes it while it is still on its way.
        self.lease = settings.outbox_lease
        half_lease = self.lease.total_seconds() / 2
        self.max_rows = min(MAX_CLAIM, max(1, int(settings.send_rate_global * half_lease)))
        self.per_chat = min(MAX_CLAIM, max(1, int(settings.send_rate_per_chat * half_lease)))
        self._wakeup = asyncio.Event()
        self._rendering = asyncio.Semaphore(RENDERING)
        self._busy: dict[int, int] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._ledger: Ledger[Delivered] = Ledger(self._record, IN_FLIGHT)

    def wake(self) -> None:
        self._wakeup.set()

    async def run(self, idle: float = 1.0) -> None:
        """Keep chats flowing: a chat's delivery starts as soon as it has due rows and is not
        already being delivered; the loop sleeps until woken or `idle` has passed."""
        try:
            while True:
                self._wakeup.clear()
                try:
                    await self._start_due()
                except Exception:
                    log.exception("outbox claim failed")
                # asyncio.timeout, not wait_for: wait_for may swallow a cancellation that
                # arrives as the wake-up does, and the loop would never stop.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(idle):
                        await self._wakeup.wait()
        finally:
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self._ledger.close()

    async def _start_due(self) -> None:
        # Under a backlog, claim in steps of a quarter: each claim is a query, and one per
        # finished chat would take the event loop's time from sending.
        if sum(self._busy.values()) > self.max_rows * 3 // 4:
            return
        for chat_id, rows in (await self._claim()).items():
            self._busy[chat_id] = len(rows)
            task = asyncio.create_task(self._deliver_chat(chat_id, rows))
            self._tasks.add(task)
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("outbox chat delivery failed", exc_info=task.exception())
        self.wake()

    async def deliver_due(self) -> int:
        """One round, waited for: every due row, chats in parallel, each chat in order."""
        by_chat = await self._claim()
        try:
            await asyncio.gather(*(self._deliver_chat(c, rows) for c, rows in by_chat.items()))
        finally:
            await self._ledger.close()
        return sum(len(rows) for rows in by_chat.values())

    async def _claim(self) -> dict[int, list[Outbox]]:
        room = self.max_rows - sum(self._busy.values())
        if room <= 0:
            return {}
        async with self.sessions() as session:
            rows = await outbox.claim_due(
                session,
                self.clock.now(),
                self.lease,
                room,
                per_chat=self.per_chat,
                exclude=set(self._busy),
            )
        by_chat: dict[int, list[Outbox]] = defaultdict(list)
        for row in rows:
            by_chat[row.chat_id].append(row)
        return by_chat

    async def _deliver_chat(self, chat_id: int, rows: list[Outbox]) -> None:
        try:
            # A few chats are rendered at a time, so a large claim does not hold the event
            # loop while sends are due.
            async with self._rendering:
                pieces = await self._prepare(chat_id, rows)
            for index, piece in enumerate(pieces):
                stop = await self._send(chat_id, piece)
                if stop is not None:
                    rest = [row_id for later in pieces[index:] for row_id in later.done]
                    await self._stop(rest, stop)
                    return
        finally:
            self._busy.pop(chat_id, None)

    async def _prepare(self, chat_id: int, rows: list[Outbox]) -> list[Piece]:
        """Render every row in the recipient's language; a row with nothing left to say
        (its deal gone) is dropped. No database connection is held while sending."""
        rendered: list[Rendered] = []
        async with self.sessions() as session:
            user = await user_by_tg(session, chat_id)
            default = self.settings.default_locale
            locale = locale_of(user, default) if user else self.i18n.default_locale
            cards = await cards_for(session, rows)
            # One language for the whole chat, set once rather than for every row.
            with self.i18n.context(), self.i18n.use_locale(locale):
                for row in rows:
                    try:
                        outgoing = await self._render(session, row, user, locale, cards)
                    except NotFound:
                        outgoing = []
                    if outgoing:
                        rendered.append((row.id, row.kind, Priority(row.priority), outgoing))
                    else:
                        now = self.clock.now()
                        await outbox.give_up(session, row.id, now, "nothing to send")
            await session.commit()
        return combine(rendered)

    async def _render(
        self,
        session: AsyncSession,
        row: Outbox,
        recipient: User | None,
        locale: str,
        cards: Mapping[int, DealCard],
    ) -> list[Outgoing]:
        settings = self.settings
        now = self.clock.now()
        context = Context(
            session, row, settings.zone, locale, now, settings.currency, recipient, cards
        )
        return await RENDERERS[row.kind](context)

    async def _send(self, chat_id: int, piece: Piece) -> Stop | None:
        # A chat waiting out its own second holds no place among those in flight.
        await self.budget.chat_ready(chat_id)
        await self._ledger.take()
        try:
            outcome = await self._send_now(chat_id, piece)
        except BaseException:
            self._ledger.release()
            raise
        if isinstance(outcome, int):
            await self._ledger.answered(Delivered(chat_id, outcome, piece))
            return None
        self._ledger.release()
        return outcome

    async def _send_now(self, chat_id: int, piece: Piece) -> int | Stop | None:
        """The id of the message sent; else why the chat stops, or None when only this piece
        is given up. A 429 is waited out and the send made again on the way."""
        try:
            with sending_as(piece.priority):
                sent = (await self.bot(piece.method)).message_id
        except TelegramForbiddenError as error:
            async with self.sessions() as session:
                await unreachable.chat_blocked(session, chat_id, self.clock.now())
            return Stop(None, str(error))
        except REFUSED as error:
            log.error("outbox rows %s refused by Telegram: %s", piece.done, error.message)
            async with self.sessions() as session:
                await outbox.give_up(session, piece.done, self.clock.now(), str(error))
                await session.commit()
            return None
        except Exception as error:
            return await self._backoff(piece, error)
        return sent

    async def _record(self, delivered: Sequence[Delivered]) -> None:
        """Answered sends, recorded in one transaction."""
        remembered = [
            outbox.ChatMessageRow(d.chat_id, d.message_id, d.piece.deal_id, d.piece.kind)
            for d in delivered
            if d.piece.deal_id is not None
        ]
        done = [row_id for d in delivered for row_id in d.piece.done]
        async with self.engine.connect() as connection:
            await connection.run_sync(outbox.record_sent, remembered, done, self.clock.now())

    async def _backoff(self, piece: Piece, error: Exception) -> Stop:
        """Server and network errors: retried later with growing pauses, then given up."""
        async with self.sessions() as session:
            attempts = await outbox.attempts(session, piece.done)
        log.warning("outbox rows %s failed (attempt %s): %r", piece.done, attempts, error)
        if attempts >= MAX_ATTEMPTS:
            return Stop(None, repr(error))
        return Stop(self.clock.now() + timedelta(seconds=min(2**attempts, 300)), repr(error))

    async def _stop(self, row_ids: list[int], stop: Stop) -> None:
        async with self.sessions() as session:
            if stop.retry is None:
                await outbox.give_up(session, row_ids, self.clock.now(), stop.error)
            else:
                await outbox.retry_at(session, row_ids, stop.retry, stop.error)
            await session.commit()
