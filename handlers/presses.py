"""A press on an inline button, handed to its handler as one value with what it works with."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.settings import Settings
from handlers.payloads import Payload, save
from handlers.readers import reader_of
from presentation.deals.card import Reader
from presentation.edits import edit_or_send
from services.access import Actor
from services.clock import Clock
from services.db.session import AsyncSession
from services.moments import Preset, preset_moment

D = TypeVar("D", bound=CallbackData)


@dataclass(frozen=True)
class Press(Generic[D]):
    query: CallbackQuery
    data: D
    session: AsyncSession
    actor: Actor
    settings: Settings
    now: datetime
    answer: CallbackAnswer
    state: FSMContext

    @property
    def message(self) -> Message | None:
        """The message under the button, unless Telegram no longer lets the bot reach it."""
        return self.query.message if isinstance(self.query.message, Message) else None

    @property
    def reader(self) -> Reader:
        return reader_of(self.settings, self.actor, self.now)

    def later(self, preset: Preset) -> datetime:
        return preset_moment(preset, self.now, self.settings.zone)

    async def show(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """Edit the message under the button, or send it again when it can't be edited."""
        if self.message is not None:
            await edit_or_send(self.message, text, markup)

    async def ask(self, step: State, prompt: str, payload: Payload) -> None:
        """Ask below the pressed message and wait in `step` for the typed answer, remembering
        `payload` for it."""
        if self.message is None:
            return
        await self.state.set_state(step)
        await save(self.state, payload)
        await self.message.answer(prompt)


def on_press(handle: Callable[[Press[D]], Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """The handler aiogram calls: it takes what the dispatcher injects and passes it on."""

    async def handler(
        query: CallbackQuery,
        callback_data: D,
        session: AsyncSession,
        actor: Actor,
        clock: Clock,
        settings: Settings,
        callback_answer: CallbackAnswer,
        state: FSMContext,
    ) -> None:
        press = Press(
            query, callback_data, session, actor, settings, clock.now(), callback_answer, state
        )
        await handle(press)

    return handler
