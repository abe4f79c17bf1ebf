"""Words typed in answer to a question the bot asked, handed to their handler as one value."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.settings import Settings
from handlers.payloads import P, load
from presentation.edits import edit_or_send_at
from services.access import Actor
from services.clock import Clock
from services.db.session import AsyncSession
from services.errors import DomainError, ErrorCode


@dataclass(frozen=True)
class Words:
    message: Message
    session: AsyncSession
    actor: Actor
    settings: Settings
    now: datetime
    state: FSMContext
    bot: Bot

    @property
    def text(self) -> str:
        return self.message.text or ""

    async def redraw(
        self, message_id: int, text: str, markup: InlineKeyboardMarkup | None
    ) -> None:
        """The bot's message in this chat the question belongs to (a card, an editor) shown
        anew, or sent again when it can't be edited."""
        await edit_or_send_at(self.bot, self.message.chat.id, message_id, text, markup)

    async def payload(self, kind: type[P]) -> P:
        """What the question was asked with (StepExpired when it can't be read)."""
        return await load(self.state, kind)

    @asynccontextmanager
    async def ends_step(self, retryable: frozenset[ErrorCode]) -> AsyncIterator[None]:
        """The step is over once the answer is taken; a mistyped value may be typed again,
        any other refusal ends the step too."""
        try:
            yield
        except DomainError as error:
            # Cleared once what the handler wrote is undone (bot/middlewares.py): cleared
            # here, the undoing would bring the step back.
            error.ends_step = error.code not in retryable
            raise
        await self.state.clear()


def on_words(handle: Callable[[Words], Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """The handler aiogram calls: it takes what the dispatcher injects and passes it on."""

    async def handler(
        message: Message,
        session: AsyncSession,
        actor: Actor,
        clock: Clock,
        settings: Settings,
        state: FSMContext,
        bot: Bot,
    ) -> None:
        await handle(Words(message, session, actor, settings, clock.now(), state, bot))

    return handler


async def not_text(message: Message) -> None:
    await message.answer(_("Please send it as text, or /cancel."))
