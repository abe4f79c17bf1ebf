"""A Bot API session that records every call and answers like Telegram would."""

from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any, get_origin

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import SendDocument, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import BufferedInputFile, Chat, Document, File, Message, MessageId, User

from bot.sender.budget import SendBudget
from bot.sender.pacing import UNLIMITED, Priority, Ticket

BOT_USER = User(id=42, is_bot=True, first_name="Axın", username="axin_bot")


class RecordingSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[TelegramMethod[Any]] = []
        self._ids = itertools.count(1000)
        # What users sent as files, by file id: getFile and downloads answer with them.
        self.files: dict[str, bytes] = {}

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        self.calls.append(method)
        return self._result(method)  # type: ignore[no-any-return]

    def _result(self, method: TelegramMethod[Any]) -> Any:
        returning = method.__returning__
        if returning is User:
            return BOT_USER
        if returning is MessageId:
            return MessageId(message_id=next(self._ids))
        if returning is bool:
            return True
        if returning is File:
            data = self.files[method.file_id]
            path = f"documents/{method.file_id}"
            return File(
                file_id=method.file_id,
                file_unique_id=method.file_id,
                file_size=len(data),
                file_path=path,
            )
        if get_origin(returning) is list:
            return []
        chat_id = getattr(method, "chat_id", None) or 0
        message_id = getattr(method, "message_id", None) or next(self._ids)
        return Message(
            message_id=message_id,
            date=datetime.now(UTC),
            chat=Chat(id=int(chat_id), type="private"),
            from_user=BOT_USER,
            text=getattr(method, "text", None),
            caption=getattr(method, "caption", None),
            document=self._uploaded(method),
        )

    def _uploaded(self, method: TelegramMethod[Any]) -> Document | None:
        """A document sent gets a file id, as Telegram gives one; uploaded bytes are kept
        under it."""
        if not isinstance(method, SendDocument):
            return None
        sent = method.document
        if isinstance(sent, str):
            return Document(file_id=sent, file_unique_id=sent)
        file_id = f"uploaded-{next(self._ids)}"
        assert isinstance(sent, BufferedInputFile)
        self.files[file_id] = sent.data
        return Document(file_id=file_id, file_unique_id=file_id, file_name=sent.filename)

    async def stream_content(
        self,
        url: str,
        headers: Mapping[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        yield self.files[url.rsplit("/", 1)[-1]]

    async def close(self) -> None:
        return None


class GrantingBudget(SendBudget):
    """Lets every send go at once and writes down what the budget was asked and told; a pause
    is noted, not waited out (the test's time is its own)."""

    def __init__(self) -> None:
        super().__init__(UNLIMITED, UNLIMITED)
        self.log: list[str] = []

    async def acquire(self, chat_id: int, priority: Priority, place: int | None = None) -> Ticket:
        self.log.append(f"acquire {chat_id}")
        return await super().acquire(chat_id, priority, place)

    def ended(self, ticket: Ticket, answered: bool = True) -> None:
        self.log.append("ended" if answered else "failed")
        super().ended(ticket, answered)

    def pause(self, seconds: float) -> None:
        self.log.append(f"pause {seconds:g}")

    async def wait_out(self, seconds: float) -> None:
        self.log.append(f"wait {seconds:g}")


class FlakySession(RecordingSession):
    """Records like Telegram's fake, but raises the queued errors first, one per call."""

    def __init__(self) -> None:
        super().__init__()
        self.errors: list[Exception] = []
        # Run once, as the next call is made.
        self.before_send: Callable[[], Awaitable[None]] | None = None

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        if self.before_send is not None:
            hook, self.before_send = self.before_send, None
            await hook()
        if self.errors:
            self.calls.append(method)
            raise self.errors.pop(0)
        return await super().make_request(bot, method, timeout)
