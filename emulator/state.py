"""What the Bot API methods and the chat handles need of the emulator, as a protocol the
Emulator meets, so that it imports them and they never import it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, Protocol, TypeVar

from .entities import Formatted
from .media import FileStore
from .models import (
    BotSettings,
    CallbackRecord,
    ChatState,
    EmuUser,
    Group,
    InlineQueryRecord,
    PreCheckoutRecord,
    StoredMessage,
)
from .updates import UpdateQueue
from .webhook import WebhookDelivery

T = TypeVar("T")
# What a bot call does in a chat, which decides the error for a chat it cannot use.
Access = Literal["read", "edit", "write"]


class EmulatorState(Protocol):
    """The Emulator's state and operations that its methods and handles use; the Emulator has
    each of them with this signature."""

    @property
    def username(self) -> str: ...

    @property
    def first_name(self) -> str: ...

    @property
    def privacy_mode(self) -> bool: ...

    @property
    def callback_query_timeout(self) -> float: ...

    @property
    def payment_provider_token(self) -> str: ...

    @property
    def pre_checkout_query_timeout(self) -> float: ...

    @property
    def clock(self) -> Callable[[], float]: ...

    @property
    def users(self) -> dict[int, EmuUser]: ...

    @property
    def chats(self) -> dict[int, ChatState]: ...

    @property
    def groups(self) -> dict[int, Group]: ...

    @property
    def callbacks(self) -> dict[str, CallbackRecord]: ...

    @property
    def inline_queries(self) -> dict[str, InlineQueryRecord]: ...

    @property
    def pre_checkout_queries(self) -> dict[str, PreCheckoutRecord]: ...

    @property
    def updates(self) -> UpdateQueue: ...

    @property
    def files(self) -> FileStore: ...

    @property
    def settings(self) -> BotSettings: ...

    @property
    def webhook(self) -> WebhookDelivery: ...

    def bot_user(self) -> dict[str, Any]: ...

    def now(self) -> int: ...

    def user_record(
        self,
        user_id: int,
        first_name: str | None = ...,
        *,
        last_name: str | None = ...,
        username: str | None = ...,
        language_code: str | None = ...,
        phone_number: str | None = ...,
    ) -> EmuUser: ...

    def block(self, user_id: int) -> None: ...

    def unblock(self, user_id: int) -> None: ...

    def chat_of(self, user: EmuUser) -> ChatState: ...

    def chat_for_bot(self, chat_id: int | str, access: Access = ...) -> ChatState: ...

    def find_message(self, chat_id: int, message_id: int) -> StoredMessage | None: ...

    def messages(self, chat_id: int) -> list[StoredMessage]: ...

    def add_message(
        self,
        chat: ChatState,
        outgoing: bool,
        sender: dict[str, Any] | None = ...,
        **content: Any,
    ) -> StoredMessage: ...

    def format(
        self, text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None
    ) -> tuple[Formatted, str | None]: ...

    def publish(self, kind: str, chat_id: int | None, data: dict[str, Any]) -> None: ...

    async def wait_for(self, predicate: Callable[[], T | None], timeout: float = ...) -> T: ...
