from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.context import FSMContext
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import CallbackQuery, Chat, Message, TelegramObject, Update, User
from aiogram.utils.callback_answer import CallbackAnswer, CallbackAnswerMiddleware
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sender.budget import pending_press
from bot.settings import Settings
from presentation.errors import error_text
from services import inbox
from services.access import Actor, actor_of
from services.clock import Clock
from services.coalesce import Coalescer
from services.errors import DomainError
from services.users import TelegramProfile, sync_users

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
log = logging.getLogger(__name__)


# Private chats only: an update from a group, supergroup or channel reaches no handler and
# creates no account; the one exception is the bot's own membership there, which it answers by
# leaving (handlers/groups.py).
def in_private(data: dict[str, Any]) -> bool:
    """The update comes from a private chat, or from no chat at all."""
    chat: Chat | None = data.get("event_chat")
    return chat is None or chat.type == ChatType.PRIVATE


class PrivateChatsOnly(BaseMiddleware):
    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if in_private(data) or (isinstance(event, Update) and event.my_chat_member is not None):
            return await handler(event, data)
        return UNHANDLED


# The unit of work of the update being handled, for the conversation storage to write in.
current_session: ContextVar[AsyncSession | None] = ContextVar("update_session", default=None)
_WHEN_DONE = "when_done"


def when_done(session: AsyncSession, action: Callable[[], Awaitable[None]]) -> None:
    """Do `action` once the handler working in the update's unit of work is done, whether it
    succeeded or failed (the action sees what was committed)."""
    session.info.setdefault(_WHEN_DONE, []).append(action)


class DatabaseMiddleware(BaseMiddleware):
    """A session for the handler that takes one; after any handler, wake the outbox sender for
    what it queued. It runs once the filters have chosen the handler: a customer's plain
    message, most of the traffic, is written in a batched transaction of its own and needs no
    session, whose setting up and closing cost as much as the rest of its routing."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], wake: Callable[[], None]
    ) -> None:
        self.sessions = sessions
        self.wake = wake

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        try:
            if not _takes_session(data["handler"]):
                return await handler(event, data)
            async with self.sessions() as session:
                data["session"] = session
                handling = inbox.current.get()
                if handling is not None:
                    inbox.carry(session, [handling])
                token = current_session.set(session)
                try:
                    result = await handler(event, data)
                    # What the handler left uncommitted (its conversation step) is kept.
                    await session.commit()
                    return result
                finally:
                    current_session.reset(token)
                    for action in session.info.pop(_WHEN_DONE, ()):
                        await action()
        finally:
            self.wake()


def _takes_session(handler: HandlerObject) -> bool:
    return handler.varkw or "session" in handler.params


class ReleaseDatabaseMiddleware(BaseRequestMiddleware):
    """Ends the update's open read transaction before any Bot API call, so no database
    connection waits on the network. Services have committed their writes by then."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        session = current_session.get()
        if session is not None and session.in_transaction():
            await session.commit()
        return await make_request(bot, method)


class ActorMiddleware(BaseMiddleware):
    """Loads (or creates) the account behind the update and who it acts as. Updates handled
    together are looked up together, in one transaction of their own."""

    def __init__(
        self, settings: Settings, clock: Clock, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.sessions = sessions
        self._actors: Coalescer[TelegramProfile, Actor] = Coalescer(self._sync)

    async def _sync(self, profiles: Sequence[TelegramProfile]) -> list[Actor]:
        async with self.sessions() as session:
            owners, now = self.settings.owner_ids, self.clock.now()
            users = await sync_users(session, profiles, owners, now)
            await session.commit()
            return [actor_of(user, self.settings.default_locale) for user in users]

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        tg_user: User | None = data.get("event_from_user")
        if tg_user is None or tg_user.is_bot or not in_private(data):
            return await handler(event, data)
        profile = TelegramProfile(
            tg_id=tg_user.id,
            first_name=tg_user.first_name,
            last_name=tg_user.last_name,
            username=tg_user.username,
            language_code=tg_user.language_code,
        )
        data["actor"] = await self._actors(profile)
        return await handler(event, data)


class DomainErrorMiddleware(BaseMiddleware):
    """A refused or invalid action is undone and answered in the reader's language. Any other
    failure is undone too before it goes on up: a button press is answered on the way out,
    and that answer must not commit half of what the handler wrote."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        session: AsyncSession | None = data.get("session")
        try:
            return await handler(event, data)
        except DomainError as error:
            if session is not None:
                await session.rollback()
            state: FSMContext | None = data.get("state")
            if error.ends_step and state is not None:
                # After the rollback, so that the step's end is kept with the answer.
                await state.clear()
            text = error_text(error)
            if isinstance(event, CallbackQuery):
                answer: CallbackAnswer = data["callback_answer"]
                answer.text = text
                answer.show_alert = True
            elif isinstance(event, Message):
                await event.answer(text)
            return None
        except Exception:
            if session is not None:
                await session.rollback()
            raise


class PromptCallbackAnswer(CallbackAnswerMiddleware):
    """aiogram's answer to a button press, given once the handler is done; but when what the
    handler sends or edits must wait for the send budget, the press is answered then, with
    what the handler has said so far, so nobody looks at a spinner while the chat waits."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, CallbackQuery):
            return await handler(event, data)

        async def handled(query: TelegramObject, data: dict[str, Any]) -> Any:
            answer: CallbackAnswer = data["callback_answer"]

            async def now() -> None:
                if answer.disabled or answer.answered:
                    return
                answer.disable()
                try:
                    await self.answer(event, answer)
                except TelegramAPIError as error:
                    log.warning("a press could not be answered: %s", error.message)

            token = pending_press.set(now)
            try:
                return await handler(query, data)
            finally:
                pending_press.reset(token)

        return await super().__call__(handled, event, data)
