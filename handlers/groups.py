"""The bot works in private chats only. Added to a group, supergroup or channel, it says so in
one line, in the language of whoever added it, and leaves."""

from __future__ import annotations

import contextlib

from aiogram import Bot, Router
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Filter
from aiogram.types import ChatMemberUpdated
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.settings import Settings
from services.access import SUPPORTED_LOCALES

_IN_CHAT = frozenset({ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR})


class AddedToGroup(Filter):
    """The bot's own membership changed and it is now in a chat that is not a private one."""

    async def __call__(self, event: ChatMemberUpdated) -> bool:
        return event.chat.type != ChatType.PRIVATE and event.new_chat_member.status in _IN_CHAT


def language(code: str | None, default: str) -> str:
    base = (code or "").split("-")[0].lower()
    return base if base in SUPPORTED_LOCALES else default


async def added(event: ChatMemberUpdated, bot: Bot, i18n: I18n, settings: Settings) -> None:
    me = await bot.me()
    with i18n.use_locale(language(event.from_user.language_code, settings.default_locale)):
        text = _("I work only in private chats. Write to me there: {link}").format(
            link=f"https://t.me/{me.username}"
        )
    # A channel where the bot may not post, or any other refusal, still ends with it leaving.
    with contextlib.suppress(TelegramAPIError):
        await bot.send_message(event.chat.id, text)
    # Already gone is gone; a network or server error is not: the update fails and is
    # handled again, so the bot does not stay where it reveals nothing but could be written to.
    with contextlib.suppress(TelegramBadRequest, TelegramForbiddenError):
        await bot.leave_chat(event.chat.id)


def router() -> Router:
    router = Router(name="groups")
    router.my_chat_member.register(added, AddedToGroup())
    return router
