"""The Emulator: Bot API state and call dispatch, independent of any HTTP server."""

from __future__ import annotations

import inspect
import secrets
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from .entities import Formatted
from .errors import (
    ApiError,
    EmulatorUsageError,
    bad_request,
    forbidden,
    not_found,
    too_many_requests,
)
from .events import Changes, EventBus
from .formatting import format_text
from .groups import GROUP_KINDS, EmulatedGroup, check_access
from .inline import HANDLERS as INLINE_HANDLERS
from .inline import set_inline_mode
from .journal import Journal
from .media import FileStore
from .methods_bot import HANDLERS as BOT_HANDLERS
from .methods_bot import scope_key
from .methods_edit import HANDLERS as EDIT_HANDLERS
from .methods_send import HANDLERS as SEND_HANDLERS
from .models import (
    BotSettings,
    CallbackRecord,
    ChatState,
    EmuUser,
    Group,
    InlineQueryRecord,
    Limits,
    PreCheckoutRecord,
    RateLimitRecord,
    RequestRecord,
    StoredMessage,
)
from .payments import DEFAULT_PROVIDER_TOKEN, PRE_CHECKOUT_TIMEOUT
from .payments import HANDLERS as PAYMENT_HANDLERS
from .ratelimit import RateLimiter, counts_towards_limits
from .spec import SPEC_PATH, ApiSpec
from .state import Access
from .updates import UpdateQueue
from .users import EmulatedUser, member_update
from .validation import Upload, Validator
from .webhook import WebhookDelivery

T = TypeVar("T")
DEFAULT_TOKEN = "7000000001:AAEmulatorTokenForAxinTestsOnly_0123456"
HANDLERS = {
    **BOT_HANDLERS,
    **SEND_HANDLERS,
    **EDIT_HANDLERS,
    **INLINE_HANDLERS,
    **PAYMENT_HANDLERS,
}


class Emulator:
    """A Telegram Bot API server in memory: the bot talks to it, tests act as its users."""

    def __init__(
        self,
        *,
        token: str | None = None,
        bot_id: int | None = None,
        username: str = "axin_bot",
        first_name: str = "Axın",
        limits: Limits | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        callback_query_timeout: float = 15.0,
        privacy_mode: bool = True,
        latency: float = 0.0,
        inline_placeholder: str | None = None,
        inline_feedback: bool = False,
        payment_provider_token: str = DEFAULT_PROVIDER_TOKEN,
        pre_checkout_query_timeout: float = PRE_CHECKOUT_TIMEOUT,
        spec_path: Path = SPEC_PATH,
    ) -> None:
        if token is None:
            secret = DEFAULT_TOKEN.partition(":")[2]
            token = DEFAULT_TOKEN if bot_id is None else f"{bot_id}:{secret}"
        prefix, _, secret = token.partition(":")
        if not prefix.isdigit() or not secret:
            raise ValueError("token must look like '<bot id>:<secret>'")
        if bot_id is not None and int(prefix) != bot_id:
            raise ValueError("a bot token starts with the bot id")
        if not payment_provider_token:
            raise ValueError("a payment provider token is a non-empty string")
        self.token = token
        self.bot_id = int(prefix)
        self.username = username
        self.first_name = first_name
        self.limits = limits or Limits()
        self.clock = clock
        self.wall_clock = wall_clock
        self.callback_query_timeout = callback_query_timeout
        # The one provider token (BotFather's) invoices in real currencies must name, and how
        # long Telegram waits for answerPreCheckoutQuery.
        self.payment_provider_token = payment_provider_token
        self.pre_checkout_query_timeout = pre_checkout_query_timeout
        # Telegram's default for a bot: in groups it sees commands, replies to it and service
        # messages, unless it is an administrator there.
        self.privacy_mode = privacy_mode
        self.latency = latency
        self.spec = ApiSpec(spec_path)
        self.validator = Validator(self.spec)
        self.changes = Changes()
        self.bus = EventBus()
        self.updates = UpdateQueue(self.changes, clock)
        self.webhook = WebhookDelivery(self.updates, self.changes, wall_clock)
        self.limiter = RateLimiter(self.limits, clock)
        self.files = FileStore()
        self.settings = BotSettings(
            inline_placeholder=inline_placeholder, inline_feedback=inline_feedback
        )
        self.users: dict[int, EmuUser] = {}
        self.groups: dict[int, Group] = {}
        # Private chats by user id, groups, supergroups and channels by their negative id.
        self.chats: dict[int, ChatState] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.inline_queries: dict[str, InlineQueryRecord] = {}
        self.pre_checkout_queries: dict[str, PreCheckoutRecord] = {}
        self.journal = Journal(self.changes)
        self.requests: list[RequestRecord] = self.journal.requests
        self.rate_limited: list[RateLimitRecord] = self.journal.rate_limited

    @property
    def latency(self) -> float:
        """Seconds a Bot API call spends on the network, there and back (the HTTP server waits
        half before handling it and half before answering)."""
        return self._latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        if not seconds >= 0:
            raise ValueError("latency must be zero or more seconds")
        self._latency = float(seconds)

    def set_inline(self, placeholder: str | None, *, feedback: bool | None = None) -> None:
        """Inline mode on with its placeholder, or off (None), as BotFather's /setinline;
        feedback (chosen_inline_result updates) as /setinlinefeedback, unchanged if None."""
        set_inline_mode(self, placeholder, feedback)

    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    def user(
        self,
        user_id: int,
        first_name: str | None = None,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        phone_number: str | None = None,
    ) -> EmulatedUser:
        """Create or update a user; returns a handle that acts as that user."""
        record = self.user_record(
            user_id,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            phone_number=phone_number,
        )
        return EmulatedUser(self, record)

    def user_record(
        self,
        user_id: int,
        first_name: str | None = None,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        phone_number: str | None = None,
    ) -> EmuUser:
        """Create or update a user's record, publishing any change."""
        user = self.users.get(user_id)
        changed = user is None
        if user is None:
            user = EmuUser(user_id, first_name or f"User{user_id}", language_code="en")
            self.users[user_id] = user
        for key, value in (
            ("first_name", first_name),
            ("last_name", last_name),
            ("username", username),
            ("language_code", language_code),
            ("phone_number", phone_number),
        ):
            if value is not None and getattr(user, key) != value:
                setattr(user, key, value)
                changed = True
        if changed:
            self.publish("user", user_id, {"user": user.to_user(), "blocked": user.blocked})
        return user

    def chat_of(self, user: EmuUser) -> ChatState:
        chat = self.chats.get(user.id)
        if chat is None:
            chat = ChatState(user, str(-secrets.randbits(62)))
            self.chats[user.id] = chat
        return chat

    def group(
        self, chat_id: int, title: str | None = None, *, kind: str = "group"
    ) -> EmulatedGroup:
        """Create a group, supergroup or channel (the bot not in it yet), or get it; returns a
        handle that acts in it."""
        group = self.groups.get(chat_id)
        if group is None:
            if chat_id >= 0:
                raise EmulatorUsageError("a group, supergroup or channel has a negative id")
            if kind not in GROUP_KINDS:
                raise EmulatorUsageError(f"kind must be one of {', '.join(GROUP_KINDS)}")
            group = Group(chat_id, title or f"Chat {chat_id}", kind)
            self.groups[chat_id] = group
            self.chats[chat_id] = ChatState(group, str(-secrets.randbits(62)))
            self.publish("group", chat_id, {"chat": group.to_chat(), "bot_status": "left"})
        elif kind != group.kind:
            raise EmulatorUsageError(f"chat {chat_id} is a {group.kind}, not a {kind}")
        return EmulatedGroup(self, group)

    def chat_for_bot(self, chat_id: int | str, access: Access = "write") -> ChatState:
        """The chat a bot call reads, edits in or writes to, with Telegram's errors for unknown
        or blocked users and for groups the bot is not in."""
        group = self.groups.get(chat_id) if isinstance(chat_id, int) else None
        if group is not None:
            check_access(group, access)
            return self.chats[group.id]
        user = self.users.get(chat_id) if isinstance(chat_id, int) else None
        if user is None:
            raise bad_request("chat not found")
        if not user.started:
            if access == "write":
                raise forbidden("bot can't initiate conversation with a user")
            raise bad_request("chat not found")
        if access == "write" and user.blocked:
            raise forbidden("bot was blocked by the user")
        return self.chat_of(user)

    def set_blocked(self, user_id: int, blocked: bool) -> None:
        user = self.users.get(user_id)
        if user is None:
            raise EmulatorUsageError(f"unknown user {user_id}")
        if user.blocked == blocked:
            return
        user.blocked = blocked
        self.updates.push("my_chat_member", member_update(self.bot_user(), user, self.now()))
        self.publish("user", user_id, {"user": user.to_user(), "blocked": blocked})

    def block(self, user_id: int) -> None:
        self.set_blocked(user_id, True)

    def unblock(self, user_id: int) -> None:
        self.set_blocked(user_id, False)

    def now(self) -> int:
        return int(self.wall_clock())

    def find_message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        chat = self.chats.get(chat_id)
        message = chat.messages.get(message_id) if chat else None
        return None if message is None or message.deleted else message

    def messages(self, chat_id: int) -> list[StoredMessage]:
        """Current state of a chat with the bot, everyone's messages, oldest first."""
        chat = self.chats.get(chat_id)
        return [m for m in chat.messages.values() if not m.deleted] if chat else []

    def add_message(
        self,
        chat: ChatState,
        outgoing: bool,
        sender: dict[str, Any] | None = None,
        **content: Any,
    ) -> StoredMessage:
        """Store a message; its sender is the bot's if outgoing, else by default the user's of
        a private chat. A channel signs every post itself."""
        peer = chat.peer
        if isinstance(peer, Group) and peer.kind == "channel":
            sender, content["sender_chat"] = None, peer.to_chat()
        elif outgoing:
            sender = self.bot_user()
        elif sender is None and isinstance(peer, EmuUser):
            sender = peer.to_user()
        message = StoredMessage(
            chat.next_message_id, peer.to_chat(), sender, outgoing, self.now(), **content
        )
        chat.next_message_id += 1
        chat.messages[message.message_id] = message
        self.publish("message", chat.id, message.view())
        return message

    def make_uneditable(self, chat_id: int, message_id: int) -> None:
        """Mark a message as too old to edit or delete, as after Telegram's 48 hours."""
        message = self.find_message(chat_id, message_id)
        if message is None:
            raise EmulatorUsageError(f"no message {message_id} in chat {chat_id}")
        message.editable = False

    def format(
        self, text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None
    ) -> tuple[Formatted, str | None]:
        def lookup(user_id: int) -> dict[str, Any] | None:
            user = self.users.get(user_id)
            return user.to_user() if user else None

        return format_text(text, parse_mode, entities, lookup)

    async def call(
        self,
        method_name: str,
        raw: Mapping[str, Any],
        uploads: Mapping[str, Upload] | None = None,
    ) -> Any:
        """Run one Bot API call; raises ApiError exactly where Telegram would fail."""
        arrived = self.clock()
        method = self.spec.method(method_name)
        name = method.name if method else method_name
        params: dict[str, Any] = dict(raw)
        hint = str(raw.get("chat_id", ""))
        chat_id = int(hint) if hint.lstrip("-").isdigit() else None
        try:
            if method is None:
                raise not_found()
            params = self.validator.call(method, raw, uploads or {})
            handler = HANDLERS.get(name)
            if handler is None:
                raise bad_request(f"method {name} is not supported by the emulator")
            limited = counts_towards_limits(name)
            in_group = limited and self._in_group(chat_id)
            if limited:
                self._enforce_limits(name, chat_id, in_group)
            result = handler(self, params)
            if inspect.isawaitable(result):
                result = await result
            if limited:
                self.limiter.record(chat_id, in_group)
        except ApiError as error:
            self.journal.record(
                name, arrived, chat_id, params, error.status, error.description, None
            )
            raise
        self.journal.record(name, arrived, chat_id, params, 200, None, result)
        return result

    def _in_group(self, chat_id: int | None) -> bool:
        """Whether the chat is a group or supergroup, where a per-minute limit applies too."""
        group = self.groups.get(chat_id) if chat_id is not None else None
        return group is not None and group.kind != "channel"

    def _enforce_limits(self, method: str, chat_id: int | None, in_group: bool) -> None:
        refusal = self.limiter.check(chat_id, in_group)
        if refusal is not None:
            retry_after, scope = refusal
            self.journal.refused(
                RateLimitRecord(method, self.clock(), chat_id, retry_after, scope)
            )
            raise too_many_requests(retry_after)

    def publish(self, kind: str, chat_id: int | None, data: dict[str, Any]) -> None:
        self.bus.publish(kind, chat_id, data)
        self.changes.notify()

    async def wait_for(self, predicate: Callable[[], T | None], timeout: float = 5.0) -> T:
        """Wait (without polling) until predicate() returns something truthy, and return it."""
        return await self.changes.until(predicate, timeout)

    async def wait_for_request(
        self,
        method: str,
        *,
        since: int = 0,
        predicate: Callable[[RequestRecord], bool] | None = None,
        timeout: float = 5.0,
    ) -> RequestRecord:
        """First recorded call of `method` (any case) with index >= since matching predicate."""
        return await self.wait_for(lambda: self.journal.find(method, since, predicate), timeout)

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        """Commands the bot set for a scope (default scope if None) and language."""
        return list(self.settings.commands.get((scope_key(scope), language_code), []))

    def shutdown(self) -> None:
        """Release long polls and event streams and stop webhook delivery, so a server can stop
        at once."""
        self.updates.terminate_polls()
        self.bus.close_all()
        self.webhook.stop()

    def reopen(self) -> None:
        self.updates.closing = False
        self.webhook.resume()
