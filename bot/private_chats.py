"""Private chats only: an update from a group, supergroup or channel reaches no handler and
creates no account; the one exception is the bot's own membership there, which it answers by
leaving (handlers/groups.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.enums import ChatType
from aiogram.types import Chat, TelegramObject, Update

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


def in_private(data: dict[str, Any]) -> bool:
    """The update comes from a private chat, or from no chat at all."""
    chat: Chat | None = data.get("event_chat")
    return chat is None or chat.type == ChatType.PRIVATE


class PrivateChatsOnly(BaseMiddleware):
    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if in_private(data) or (isinstance(event, Update) and event.my_chat_member is not None):
            return await handler(event, data)
        return UNHANDLED
