"""Delivers the outbox: claims due rows with a lease, sends within the budget, records results."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.notifications import RENDERERS, Context, Outgoing
from bot.ratelimit import SendBudget
from bot.settings import Settings
from services import outbox
from services.access import locale_of
from services.clock import Clock
from services.db.models import Outbox
from services.errors import NotFound
from services.views import user_by_tg

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
BATCH = 200
MAX_ATTEMPTS = 12


class OutboxSender:
    def __init__(
        self,
        bot: Bot,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        settings: Settings,
        i18n: I18n,
        budget: SendBudget | None = None,
    ) -> None:
        self.bot = bot
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.i18n = i18n
        self.budget = budget or SendBudget(settings.send_rate_global, settings.send_rate_per_chat)
        self._wakeup = asyncio.Event()

    def wake(self) -> None:
        self._wakeup.set()

    async def run(self, idle: float = 1.0) -> None:
        while True:
            self._wakeup.clear()
            try:
                sent = await self.deliver_due()
            except Exception:
                log.exception("outbox delivery round failed")
                sent = 0
            if sent:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=idle)

    async def deliver_due(self) -> int:
        """One round: every due row, chats in parallel, each chat in order."""
        async with self.sessions() as session:
            rows = await outbox.claim_due(session, self.clock.now(), LEASE, BATCH)
        by_chat: dict[int, list[Outbox]] = defaultdict(list)
        for row in rows:
            by_chat[row.chat_id].append(row)
        await asyncio.gather(*(self._deliver_chat(chat_rows) for chat_rows in by_chat.values()))
        return len(rows)

    async def _deliver_chat(self, rows: list[Outbox]) -> None:
        for index, row in enumerate(rows):
            paused_until = await self._deliver(row)
            if paused_until is not None:
                async with self.sessions() as session:
                    for later in rows[index + 1 :]:
                        await outbox.retry_at(session, later.id, paused_until, "chat paused")
                    await session.commit()
                return

    async def _deliver(self, row: Outbox) -> datetime | None:
        """Send one row; when the chat must wait, say until when, so later rows keep order."""
        async with self.sessions() as session:
            try:
                outgoing = await self._render(session, row)
            except NotFound:
                await outbox.give_up(session, row.id, self.clock.now(), "nothing to send")
                await session.commit()
                return None
            try:
                for item in outgoing:
                    await asyncio.sleep(self.budget.reserve(row.chat_id))
                    sent = await self.bot(item.method)
                    if item.deal_id is not None:
                        await outbox.remember_chat_message(
                            session, row.chat_id, sent.message_id, item.deal_id, row.kind
                        )
            except TelegramRetryAfter as error:
                self.budget.pause(error.retry_after, row.chat_id)
                when = self.clock.now() + timedelta(seconds=error.retry_after)
                await outbox.retry_at(session, row.id, when, str(error))
                await session.commit()
                return when
            except TelegramForbiddenError as error:
                await outbox.mark_unreachable(session, row.chat_id)
                await outbox.give_up(session, row.id, self.clock.now(), str(error))
                await session.commit()
                return None
            except TelegramBadRequest as error:
                log.error("outbox row %s refused by Telegram: %s", row.id, error.message)
                await outbox.give_up(session, row.id, self.clock.now(), str(error))
                await session.commit()
                return None
            except Exception as error:
                return await self._backoff(session, row, error)
            await outbox.mark_sent(session, row.id, self.clock.now())
            await session.commit()
            return None

    async def _render(self, session: AsyncSession, row: Outbox) -> list[Outgoing]:
        user = await user_by_tg(session, row.chat_id)
        locale = (
            locale_of(user, self.settings.default_locale) if user else self.i18n.default_locale
        )
        with self.i18n.context(), self.i18n.use_locale(locale):
            return await RENDERERS[row.kind](Context(session, row, self.settings.zone, locale))

    async def _backoff(
        self, session: AsyncSession, row: Outbox, error: Exception
    ) -> datetime | None:
        """Server and network errors are retried later, with growing pauses, then given up."""
        log.warning("outbox row %s failed (attempt %s): %r", row.id, row.attempts, error)
        if row.attempts >= MAX_ATTEMPTS:
            await outbox.give_up(session, row.id, self.clock.now(), repr(error))
            await session.commit()
            return None
        when = self.clock.now() + timedelta(seconds=min(2**row.attempts, 300))
        await outbox.retry_at(session, row.id, when, repr(error))
        await session.commit()
        return when
