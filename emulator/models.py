"""State records of the emulator: users, chats, messages, calls, callback queries, events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .entities import Entity


@dataclass(slots=True)
class Limits:
    """Telegram-like flood limits; off unless a test or benchmark turns them on."""

    enabled: bool = False
    per_chat_per_second: int = 1
    global_per_second: int = 30

    def __post_init__(self) -> None:
        if self.per_chat_per_second < 1 or self.global_per_second < 1:
            raise ValueError("rate limits must allow at least one call per second")


@dataclass(slots=True)
class EmuUser:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    phone_number: str | None = None
    started: bool = False
    blocked: bool = False

    def to_user(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data

    def to_chat(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "first_name": self.first_name}
        for key in ("last_name", "username"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        data["type"] = "private"
        return data


GIFT_TYPES = (
    "unlimited_gifts",
    "limited_gifts",
    "unique_gifts",
    "premium_subscription",
    "gifts_from_channels",
)


@dataclass(slots=True)
class Group:
    """A group, supergroup or channel: who is in it and where the bot stands in it."""

    id: int
    title: str
    kind: str
    members: set[int] = field(default_factory=set)
    # left, member, administrator or kicked, as ChatMember.status says it.
    bot_status: str = "left"
    # A chat the bot was never in is unknown to it: "chat not found".
    known: bool = False

    @property
    def has_bot(self) -> bool:
        return self.bot_status in ("member", "administrator")

    def to_chat(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "title": self.title, "type": self.kind}
        if self.kind == "group":
            # The Bot API server adds these to every basic group, though the spec lists
            # neither; nothing is restricted in an emulated group, so all are administrators.
            data["all_members_are_administrators"] = True
            data["accepted_gift_types"] = dict.fromkeys(GIFT_TYPES, False)
        return data


@dataclass(frozen=True, slots=True)
class Invoice:
    """An invoice the bot sent: what Message.invoice shows of it, and what only the payment
    uses (payload, prices, the order information asked for, tips)."""

    title: str
    description: str
    start_parameter: str
    currency: str
    prices: list[dict[str, Any]]
    payload: str
    # Of "name", "phone_number", "email", "shipping_address": what the user must give.
    needs: frozenset[str] = frozenset()
    is_flexible: bool = False
    max_tip_amount: int = 0
    suggested_tip_amounts: list[int] = field(default_factory=list)

    @property
    def total_amount(self) -> int:
        return sum(int(price["amount"]) for price in self.prices)

    def to_telegram(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "description": self.description,
            "start_parameter": self.start_parameter,
            "currency": self.currency,
            "total_amount": self.total_amount,
        }


@dataclass(slots=True)
class StoredMessage:
    """A message in a chat, in its current state (after edits)."""

    message_id: int
    chat: dict[str, Any]
    # None in a channel, where a post is signed by the channel (sender_chat).
    sender: dict[str, Any] | None
    outgoing: bool
    date: int
    text: str | None = None
    entities: list[Entity] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[Entity] = field(default_factory=list)
    photo: list[dict[str, Any]] | None = None
    document: dict[str, Any] | None = None
    contact: dict[str, Any] | None = None
    venue: dict[str, Any] | None = None
    location: dict[str, Any] | None = None
    # An invoice the bot sent (sendInvoice), and a payment's service message from the user.
    invoice: Invoice | None = None
    successful_payment: dict[str, Any] | None = None
    reply_markup: dict[str, Any] | None = None
    reply_to: StoredMessage | None = None
    # The bot a user sent this message through, in inline mode.
    via_bot: dict[str, Any] | None = None
    forward_origin: dict[str, Any] | None = None
    sender_chat: dict[str, Any] | None = None
    new_chat_members: list[dict[str, Any]] | None = None
    left_chat_member: dict[str, Any] | None = None
    protected: bool = False
    edit_date: int | None = None
    html: str | None = None
    source_html: str | None = None
    editable: bool = True
    deleted: bool = False

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])

    @property
    def is_service(self) -> bool:
        return (
            self.new_chat_members is not None
            or self.left_chat_member is not None
            or self.successful_payment is not None
        )

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]] | None:
        if self.reply_markup is None:
            return None
        rows = self.reply_markup.get("inline_keyboard")
        return rows if isinstance(rows, list) else None

    def to_telegram(self, with_reply: bool = True) -> dict[str, Any]:
        """The Message object exactly as the Bot API would serialise it."""
        data: dict[str, Any] = {"message_id": self.message_id}
        if self.sender is not None:
            data["from"] = self.sender
        if self.sender_chat is not None:
            data["sender_chat"] = self.sender_chat
        data["chat"], data["date"] = self.chat, self.date
        if self.forward_origin is not None:
            data["forward_origin"] = self.forward_origin
        if self.reply_to is not None and with_reply:
            data["reply_to_message"] = self.reply_to.to_telegram(with_reply=False)
        if self.via_bot is not None:
            data["via_bot"] = self.via_bot
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        if self.protected:
            data["has_protected_content"] = True
        if self.text is not None:
            data["text"] = self.text
            if self.entities:
                data["entities"] = self.entities
        if self.photo is not None:
            data["photo"] = self.photo
        if self.document is not None:
            data["document"] = self.document
        if self.caption is not None:
            data["caption"] = self.caption
            if self.caption_entities:
                data["caption_entities"] = self.caption_entities
        if self.contact is not None:
            data["contact"] = self.contact
        if self.venue is not None:
            data["venue"] = self.venue
        if self.location is not None:
            data["location"] = self.location
        if self.invoice is not None:
            data["invoice"] = self.invoice.to_telegram()
        if self.successful_payment is not None:
            data["successful_payment"] = self.successful_payment
        # The Bot API server still sends the old one-member fields beside the documented ones.
        if self.new_chat_members is not None:
            data["new_chat_participant"] = data["new_chat_member"] = self.new_chat_members[0]
            data["new_chat_members"] = self.new_chat_members
        if self.left_chat_member is not None:
            data["left_chat_participant"] = data["left_chat_member"] = self.left_chat_member
        if self.inline_keyboard is not None:
            data["reply_markup"] = {"inline_keyboard": self.inline_keyboard}
        return data

    def view(self) -> dict[str, Any]:
        """Telegram's JSON plus what a renderer needs (HTML, any keyboard, state flags)."""
        return {
            "message": self.to_telegram(),
            "outgoing": self.outgoing,
            "html": self.html,
            "source_html": self.source_html,
            "reply_markup": self.reply_markup,
            "editable": self.editable,
            "deleted": self.deleted,
        }


@dataclass(slots=True)
class ChatState:
    """A chat with the bot: a private chat with one user, or a group, supergroup or channel."""

    peer: EmuUser | Group
    chat_instance: str
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1
    keyboard: dict[str, Any] | None = None
    menu_button: dict[str, Any] | None = None

    @property
    def id(self) -> int:
        return self.peer.id


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int


@dataclass(slots=True)
class CallbackRecord:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    created_at: float
    answer: CallbackAnswer | None = None


@dataclass(frozen=True, slots=True)
class InlineAnswer:
    """The bot's answer to an inline query: the results the user sees, as validated."""

    query_id: str
    results: list[dict[str, Any]]
    next_offset: str
    cache_time: int
    is_personal: bool
    button: dict[str, Any] | None


@dataclass(slots=True)
class InlineQueryRecord:
    """An inline query a user typed; chat_id is where (None: a private chat with someone
    else); delivered is False when the bot's inline mode was off."""

    id: str
    user_id: int
    query: str
    offset: str
    chat_type: str
    chat_id: int | None
    created_at: float
    delivered: bool
    answer: InlineAnswer | None = None
    # What choosing each result sends, by result id (None: a kind the emulator cannot send).
    contents: dict[str, dict[str, Any] | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PaymentOutcome:
    """The bot's answer to a pre-checkout query as the user lives it: paid (ok, and the
    successful_payment message the user's app sent) or refused (the error_message shown)."""

    query_id: str
    ok: bool
    error_message: str | None
    message: StoredMessage | None


@dataclass(slots=True)
class PreCheckoutRecord:
    """A user paying the invoice of a message: the pre_checkout_query the bot got."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    currency: str
    total_amount: int
    invoice_payload: str
    order_info: dict[str, Any] | None
    created_at: float
    outcome: PaymentOutcome | None = None

    def to_telegram(self, user: dict[str, Any]) -> dict[str, Any]:
        """The PreCheckoutQuery object, from the user given."""
        data: dict[str, Any] = {
            "id": self.id,
            "from": user,
            "currency": self.currency,
            "total_amount": self.total_amount,
            "invoice_payload": self.invoice_payload,
        }
        if self.order_info is not None:
            data["order_info"] = self.order_info
        return data


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One call the bot made, as the emulator saw and answered it."""

    index: int
    method: str
    time: float
    chat_id: int | None
    params: dict[str, Any]
    status: int
    description: str | None
    result: Any


@dataclass(frozen=True, slots=True)
class RateLimitRecord:
    method: str
    time: float
    chat_id: int | None
    retry_after: int
    scope: str


@dataclass(frozen=True, slots=True)
class Event:
    """A change visible to a chat UI: message, edit, delete, callback answer, chat action..."""

    seq: int
    kind: str
    chat_id: int | None
    data: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": self.kind, "chat_id": self.chat_id, "data": self.data}


@dataclass(slots=True)
class BotSettings:
    """What the bot configured about itself (commands, menu button, profile texts) and what
    BotFather set for it (inline mode)."""

    commands: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    menu_button: dict[str, Any] | None = None
    texts: dict[tuple[str, str], str] = field(default_factory=dict)
    # Inline mode (BotFather's /setinline): on while it has a placeholder.
    inline_placeholder: str | None = None
    # Inline feedback (/setinlinefeedback): chosen_inline_result updates.
    inline_feedback: bool = False


@dataclass(frozen=True, slots=True)
class Described:
    """A successful result that Telegram accompanies with a description (setWebhook...)."""

    result: Any
    description: str
