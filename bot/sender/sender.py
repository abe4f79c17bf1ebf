"""Delivers the outbox: claims due rows with a lease, combines what waits for one chat,
sends within the budget, and records each result as Telegram answers it, those answered
together in one go (`bot/delivery_ledger.py`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Callable, Mapping, Sequence
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
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.metrics import Metrics
from bot.sender import changes, rules, stock
from bot.sender.budget import SendBudget, sending_as
from bot.sender.claims import ChatClaims
from bot.sender.ledger import Ledger
from bot.sender.merge import Piece, Rendered, combine
from bot.sender.pacing import Priority
from bot.sender.renderers import RENDERERS, Context, Outgoing, Renderer, cards_for
from bot.settings import Settings, working_hours_of
from services import log_context, outbox, outbox_claims, unreachable
from services.access import locale_of
from services.clock import Clock
from services.coalesce import Coalescer
from services.db.outbox import Outbox
from services.db.users import User
from services.errors import NotFound
from services.views import DealCard, user_by_tg

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 30
# Sends waiting for the overall budget, on their way, or answered and being recorded, at once;
# a chat waiting for its own turn holds none. A crash repeats at most these, and in practice
# only those on their way or being recorded: a few, at Telegram's pace.
IN_FLIGHT = 32
RENDERING = 4
# Rows whose rendering waits on long work (a digest's chart is drawn in the worker process).
SLOW = frozenset({"digest"})
# A claim holds this much sending at the budget's pace, so workers share a backlog; rows
# claimed at once at most, whatever the budget (one without Telegram's limits has none).
CLAIM_AHEAD = timedelta(seconds=10)
# A chat's rows claimed at once at most: this much sending at the chat's own rate. Less than a
# claim's whole, so that where a few chats have many rows each, all of them are claimed and send
# side by side, not some first and the rest after them at one a second each.
CHAT_AHEAD = timedelta(seconds=5)
MAX_CLAIM = 1000
# Chats held at least, as a multiple of those that keep the budget busy at each chat's own
# rate (30 a second overall at 1 a second each: 30): chats with many rows each send slowly.
CHATS_AHEAD = 1.5
REFUSED = (TelegramBadRequest, TelegramNotFound, TelegramEntityTooLarge)

# Every kind of outbox row and what renders it.
_RENDERERS: dict[str, Renderer] = {
    **RENDERERS,
    "rule_message": rules.rule_message,
    "rule_failed": rules.rule_failed,
    stock.KIND: stock.stock_short,
    **dict.fromkeys(changes.KINDS, changes.render),
}


@dataclass(frozen=True)
class Delivered:
    chat_id: int
    message_id: int
    piece: Piece
    # The chat's last piece of its claim: the claim is let go with its record.
    last: bool = False


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
        worker: str,
        metrics: Metrics,
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
        ahead, rate = CLAIM_AHEAD.total_seconds(), settings.send_rate_global
        chat_ahead = CHAT_AHEAD.total_seconds()
        self.claims = ChatClaims(
            sessions,
            clock,
            worker,
            settings.outbox_lease,
            rows=min(MAX_CLAIM, max(1, int(rate * ahead))),
            per_chat=min(MAX_CLAIM, max(1, int(settings.send_rate_per_chat * chat_ahead))),
            metrics=metrics,
            chats=min(MAX_CLAIM, math.ceil(CHATS_AHEAD * rate / settings.send_rate_per_chat)),
        )
        self._wakeup = asyncio.Event()
        # Set where several processes share the outbox (`bot/wake.py`).
        self.announce: Callable[[], None] | None = None
        self._stopping = False
        self._running = False
        self._rendering = asyncio.Semaphore(RENDERING)
        self._preparing: Coalescer[tuple[int, list[Outbox]], list[Piece]] = Coalescer(
            self._prepare
        )
        self._tasks: set[asyncio.Task[None]] = set()
        self._ledger: Ledger[Delivered] = Ledger(self._record, IN_FLIGHT)

    def wake(self) -> None:
        """Rows were queued: a sender running here with room delivers them itself; the bot's
        other processes are told only when this one has no sender running (a web process) or
        it is full. Told every time, every worker would look at the outbox for each request
        handled anywhere, and all but one would find nothing to take."""
        self._wakeup.set()
        if self.announce is not None and (
            not self._running or self._stopping or self.claims.nearly_full
        ):
            self.announce()

    def wake_here(self) -> None:
        self._wakeup.set()

    async def stop(self, grace: float) -> None:
        """Claim nothing more; let the sends on their way finish for up to `grace` seconds;
        let go of the chats not done, so another worker (or the next start) sends their rows
        at once."""
        self._stopping = True
        self.wake_here()
        running = list(self._tasks)
        if running:
            await asyncio.wait(running, timeout=grace)
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        await self._ledger.close()

    async def run(self, idle: float = 1.0) -> None:
        """Keep chats flowing: a chat's delivery starts as soon as it has due rows and is not
        already being delivered; the loop sleeps until woken or `idle` has passed. The chats
        being delivered have their claims renewed meanwhile."""
        renewing = asyncio.create_task(self._renew())
        self._running = True
        try:
            while not self._stopping:
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
            self._running = False
            renewing.cancel()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(renewing, *self._tasks, return_exceptions=True)
            await self._ledger.close()

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(self.claims.lease.total_seconds() / 3)
            try:
                await self.claims.renew()
            except Exception:
                log.exception("outbox claims not renewed")

    async def _start_due(self) -> None:
        if self.claims.nearly_full:
            return
        for chat_id, rows in (await self.claims.claim()).items():
            task = asyncio.create_task(self._deliver_chat(chat_id, rows))
            self._tasks.add(task)
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("outbox chat delivery failed", exc_info=task.exception())
        self.wake_here()

    async def deliver_due(self) -> int:
        """One round, waited for: every due row, chats in parallel, each chat in order."""
        by_chat = await self.claims.claim()
        try:
            await asyncio.gather(*(self._deliver_chat(c, rows) for c, rows in by_chat.items()))
        finally:
            await self._ledger.close()
        return sum(len(rows) for rows in by_chat.values())

    async def _deliver_chat(self, chat_id: int, rows: list[Outbox]) -> None:
        # Each message's turn is when it would go if the chat sent at its own rate from now:
        # a chat's next message, after waiting out its second, goes before the messages due
        # later (chats claimed since, or many messages into another chat), not behind every
        # one claimed.
        claimed_at = asyncio.get_running_loop().time()
        spacing = self.budget.pacing.chat_interval
        try:
            # A few chats are rendered at a time, so a large claim does not hold the event
            # loop while sends are due; those rendered at once share one transaction.
            if any(row.kind in SLOW for row in rows):
                # Prepared on their own: a chat batched with it would wait for the drawing.
                [pieces] = await self._prepare([(chat_id, rows)])
            else:
                async with self._rendering:
                    pieces = await self._preparing((chat_id, rows))
            # Rows with nothing left to say are done with already.
            self.claims.sent(chat_id, len(rows) - sum(len(piece.done) for piece in pieces))
            for index, piece in enumerate(pieces):
                if self._stopping or not self.claims.holds(chat_id):
                    return  # stopping, or another worker took the chat: the rest is theirs
                due = claimed_at + index * spacing
                stop = await self._send(chat_id, piece, due, index == len(pieces) - 1)
                self.claims.sent(chat_id, len(piece.done))
                if stop is not None:
                    rest = [row_id for later in pieces[index:] for row_id in later.done]
                    await self._stop(rest, stop)
                    return
        finally:
            await self.claims.done(chat_id)

    async def _prepare(self, chats: Sequence[tuple[int, list[Outbox]]]) -> list[list[Piece]]:
        """Render every row of these chats in each recipient's language, in one transaction;
        a row with nothing left to say (its deal gone) is dropped. No database connection is
        held while sending."""
        async with self.sessions() as session:
            prepared = [await self._prepare_chat(session, c, rows) for c, rows in chats]
            await session.commit()
        return prepared

    async def _prepare_chat(
        self, session: AsyncSession, chat_id: int, rows: list[Outbox]
    ) -> list[Piece]:
        rendered: list[Rendered] = []
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
        return await _RENDERERS[row.kind](context)

    async def _send(self, chat_id: int, piece: Piece, due: float, last: bool) -> Stop | None:
        log_context.about_deal(piece.deal_id)
        # A chat waiting out its own second holds no place among those in flight.
        await self.budget.chat_ready(chat_id)
        await self._ledger.take((piece.priority, due))
        try:
            outcome = await self._send_now(chat_id, piece)
        except BaseException:
            self._ledger.release()
            raise
        if isinstance(outcome, int):
            await self._ledger.answered(Delivered(chat_id, outcome, piece, last))
            return None
        self._ledger.release()
        return outcome

    async def _send_now(self, chat_id: int, piece: Piece) -> int | Stop | None:
        """The id of the message sent; else why the chat stops, or None when only this piece
        is given up. A 429 is waited out and the send made again on the way."""
        try:
            with sending_as(piece.priority):
                sent = await self._call(piece)
        except TelegramForbiddenError as error:
            async with self.sessions() as session:
                await unreachable.chat_blocked(
                    session, chat_id, self.clock.now(), working_hours_of(self.settings)
                )
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

    async def _call(self, piece: Piece) -> int:
        """The message sent or edited: an edit Telegram refuses is sent as a new message
        (remembered then as one); an edit that changes nothing is done."""
        edit = piece.edit
        if edit is None:
            return (await self.bot(piece.method)).message_id
        assert edit.message_id is not None
        try:
            await self.bot(edit)
        except TelegramBadRequest as error:
            if "message is not modified" in error.message:
                return edit.message_id
            piece.edit = None
            return (await self.bot(piece.method)).message_id
        return edit.message_id

    async def _record(self, delivered: Sequence[Delivered]) -> None:
        """Answered sends, recorded in one transaction."""
        remembered = [
            outbox.ChatMessageRow(d.chat_id, d.message_id, d.piece.deal_id, d.piece.kind)
            for d in delivered
            # An edited message is remembered already.
            if d.piece.deal_id is not None and d.piece.edit is None
        ]
        done = [row_id for d in delivered for row_id in d.piece.done]
        # A chat whose last message this is is let go in the same commit, not one of its own.
        finished = [d.chat_id for d in delivered if d.last]
        async with self.engine.connect() as connection:
            await connection.run_sync(
                _record_sent, self.claims.worker, finished, remembered, done, self.clock.now()
            )
        self.claims.let_go_with_record(finished)

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


def _record_sent(
    connection: Connection,
    worker: str,
    finished: Sequence[int],
    rows: Sequence[outbox.ChatMessageRow],
    row_ids: Sequence[int],
    now: datetime,
) -> None:
    outbox_claims.let_go(connection, worker, finished)
    outbox.record_sent(connection, rows, row_ids, now)
