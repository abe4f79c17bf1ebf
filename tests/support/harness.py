"""Feeds updates through the real dispatcher and records the Bot API calls it makes."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from aiogram.methods import TelegramMethod
from aiogram.types import (
    CallbackQuery,
    Chat,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberUpdated,
    Contact,
    Document,
    InlineKeyboardMarkup,
    InlineQuery,
    Message,
    MessageOrigin,
    PhotoSize,
    Update,
    User,
)

from bot.app import App, build_app
from bot.sender.pacing import UNLIMITED
from bot.settings import Settings
from services.clock import ManualClock
from services.users import ensure_owners
from tests.support.fakes import BOT_USER, RecordingSession

_ids = itertools.count(1)


def person(tg_id: int, first_name: str, language: str | None = "en", **extra: Any) -> User:
    return User(id=tg_id, is_bot=False, first_name=first_name, language_code=language, **extra)


def group(kind: str = "group", chat_id: int = -100500) -> Chat:
    """A chat that is not private: "group", "supergroup" or "channel"."""
    return Chat(id=chat_id, type=kind, title="Furniture fans")


def bot_member(status: str) -> Any:
    """The bot as a chat member with this status, an administrator with no rights at all."""
    if status == "administrator":
        rights = {
            name: False
            for name, field in ChatMemberAdministrator.model_fields.items()
            if field.is_required() and name != "user"
        }
        return ChatMemberAdministrator(user=BOT_USER, **rights)
    if status == "kicked":
        return ChatMemberBanned(user=BOT_USER, until_date=0)
    member = {"member": ChatMemberMember, "left": ChatMemberLeft}[status]
    return member(user=BOT_USER)


class Harness:
    def __init__(self, app: App, recorder: RecordingSession) -> None:
        self.app = app
        self.recorder = recorder

    @property
    def clock(self) -> ManualClock:
        """The app's clock, which tests move."""
        assert isinstance(self.app.clock, ManualClock)
        return self.app.clock

    async def _feed(self, update: Update) -> list[TelegramMethod[Any]]:
        start = len(self.recorder.calls)
        await self.app.dispatcher.feed_update(self.app.bot, update)
        return self.recorder.calls[start:]

    def message(
        self,
        user: User,
        text: str | None = None,
        *,
        photo: str | None = None,
        document: str | None = None,
        caption: str | None = None,
        contact: str | None = None,
        reply_to: int | None = None,
    ) -> Message:
        chat = Chat(id=user.id, type="private", first_name=user.first_name)
        return Message(
            message_id=next(_ids),
            date=datetime.now(UTC),
            chat=chat,
            from_user=user,
            text=text,
            caption=caption,
            photo=[PhotoSize(file_id=photo, file_unique_id=photo, width=90, height=90)]
            if photo
            else None,
            document=Document(file_id=document, file_unique_id=document) if document else None,
            contact=Contact(phone_number=contact, first_name=user.first_name, user_id=user.id)
            if contact
            else None,
            reply_to_message=Message(
                message_id=reply_to, date=datetime.now(UTC), chat=chat, from_user=BOT_USER
            )
            if reply_to
            else None,
        )

    async def send(self, user: User, text: str | None = None, **kwargs: Any) -> list[Any]:
        message = self.message(user, text, **kwargs)
        return await self._feed(Update(update_id=next(_ids), message=message))

    async def forward(
        self, user: User, origin: MessageOrigin, text: str | None = None, **kwargs: Any
    ) -> list[Any]:
        """`user` forwards to the bot a message someone else wrote; `origin` says who."""
        message = self.message(user, text, **kwargs).model_copy(update={"forward_origin": origin})
        return await self._feed(Update(update_id=next(_ids), message=message))

    async def send_file(
        self, user: User, data: bytes, name: str, *, size: int | None = None
    ) -> list[Any]:
        """`user` sends `data` as a document; `size` is what Telegram says of it (its length
        unless told), and getFile and the download answer with `data`."""
        file_id = f"file{next(_ids)}"
        self.recorder.files[file_id] = data
        document = Document(
            file_id=file_id,
            file_unique_id=file_id,
            file_name=name,
            file_size=len(data) if size is None else size,
        )
        message = self.message(user).model_copy(update={"document": document})
        return await self._feed(Update(update_id=next(_ids), message=message))

    async def press(self, user: User, data: str, message_id: int = 500) -> list[Any]:
        chat = Chat(id=user.id, type="private", first_name=user.first_name)
        shown = Message(
            message_id=message_id, date=datetime.now(UTC), chat=chat, from_user=BOT_USER, text="…"
        )
        query = CallbackQuery(
            id=str(next(_ids)), from_user=user, chat_instance="ci", data=data, message=shown
        )
        return await self._feed(Update(update_id=next(_ids), callback_query=query))

    async def inline(self, user: User, query: str, offset: str = "") -> list[Any]:
        """`user` types `@bot query` in their chat with the bot."""
        asked = InlineQuery(
            id=str(next(_ids)), from_user=user, query=query, offset=offset, chat_type="sender"
        )
        return await self._feed(Update(update_id=next(_ids), inline_query=asked))

    async def send_via_bot(
        self, user: User, text: str, markup: InlineKeyboardMarkup | None, via: User | None = None
    ) -> list[Any]:
        """`user` sends an inline result of the bot's (or of the `via` bot's): its text and
        buttons, `via_bot` set."""
        ours = BOT_USER.model_copy(update={"id": self.app.bot.id})
        message = self.message(user, text).model_copy(
            update={"via_bot": via or ours, "reply_markup": markup}
        )
        return await self._feed(Update(update_id=next(_ids), message=message))

    async def deliver(self) -> list[Any]:
        """Run the outbox sender once, as the background loop would."""
        start = len(self.recorder.calls)
        await self.app.sender.deliver_due()
        return self.recorder.calls[start:]

    def contact_from(self, user: User, phone: str, owner_id: int | None) -> Message:
        """`user` shares a contact whose Telegram account is `owner_id` (None: no account)."""
        message = self.message(user)
        contact = Contact(phone_number=phone, first_name="Someone", user_id=owner_id)
        return message.model_copy(update={"contact": contact})

    async def share(self, user: User, phone: str, owner_id: int | None) -> list[Any]:
        message = self.contact_from(user, phone, owner_id)
        return await self._feed(Update(update_id=next(_ids), message=message))

    async def send_in(self, chat: Chat, user: User, text: str) -> list[Any]:
        """`user` writes `text` in a chat that may not be private."""
        message = Message(
            message_id=next(_ids), date=datetime.now(UTC), chat=chat, from_user=user, text=text
        )
        return await self._feed(Update(update_id=next(_ids), message=message))

    async def press_in(self, chat: Chat, user: User, data: str) -> list[Any]:
        """`user` presses a button under the bot's message in `chat`."""
        shown = Message(
            message_id=next(_ids), date=datetime.now(UTC), chat=chat, from_user=BOT_USER, text="…"
        )
        query = CallbackQuery(
            id=str(next(_ids)), from_user=user, chat_instance="ci", data=data, message=shown
        )
        return await self._feed(Update(update_id=next(_ids), callback_query=query))

    async def membership(self, chat: Chat, by: User, old: str, new: str) -> list[Any]:
        """`by` changes the bot's status in `chat` from `old` to `new` (a my_chat_member)."""
        change = ChatMemberUpdated(
            chat=chat,
            from_user=by,
            date=datetime.now(UTC),
            old_chat_member=bot_member(old),
            new_chat_member=bot_member(new),
        )
        return await self._feed(Update(update_id=next(_ids), my_chat_member=change))


OWNER_ID = 1


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": "123456:TEST",
        "database_url": database_url,
        "owner_ids": [OWNER_ID],
        "timezone": "Asia/Baku",
        # Telegram's limits are the end-to-end tests' concern; here every send goes at once.
        "send_rate_global": UNLIMITED,
        "send_rate_per_chat": UNLIMITED,
    }
    return Settings(_env_file=None, **(values | overrides))


@asynccontextmanager
async def harness(settings: Settings, clock: ManualClock) -> AsyncIterator[Harness]:
    recorder = RecordingSession()
    app = build_app(settings, clock=clock, session=recorder)
    async with app.sessions() as session:
        await ensure_owners(session, settings.owner_ids, clock.now())
    await app.bot.me()  # polling starts with getMe too; later calls use the cached answer
    recorder.calls.clear()
    yield Harness(app, recorder)
    await app.dispatcher.storage.close()
    await app.engine.dispose()


def clock_of(tg: Harness) -> ManualClock:
    clock = tg.app.clock
    assert isinstance(clock, ManualClock)
    return clock
