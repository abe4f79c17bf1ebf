"""Acting as a Telegram user: every action becomes an Update for the bot to fetch."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any

from .entities import to_html
from .errors import ApiError, EmulatorUsageError
from .handle import ChatHandle
from .inline import choose_result, start_query, wait_for_answer
from .models import (
    CallbackAnswer,
    CallbackRecord,
    ChatState,
    EmuUser,
    InlineAnswer,
    InlineQueryRecord,
    PaymentOutcome,
    StoredMessage,
)
from .payments import start_payment, wait_for_outcome
from .sharing import origin_of, phone_book_contact
from .state import EmulatorState
from .validation import Upload

_DEEP_LINK = re.compile(r"[A-Za-z0-9_-]{1,64}")


def member_update(bot: dict[str, Any], user: EmuUser, date: int) -> dict[str, Any]:
    """The my_chat_member update Telegram sends when a user blocks or unblocks the bot."""

    def member(status: str) -> dict[str, Any]:
        return {"user": bot, "status": status, **({"until_date": 0} if status == "kicked" else {})}

    old, new = ("member", "kicked") if user.blocked else ("kicked", "member")
    return {
        "chat": user.to_chat(),
        "from": user.to_user(),
        "date": date,
        "old_chat_member": member(old),
        "new_chat_member": member(new),
    }


class EmulatedUser(ChatHandle):
    """Handle for one user in a private chat with the bot."""

    def __init__(self, emulator: EmulatorState, user: EmuUser) -> None:
        super().__init__(emulator, user.id)
        self.user = user

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def chat(self) -> ChatState:
        return self.emulator.chat_of(self.user)

    @property
    def reply_keyboard(self) -> dict[str, Any] | None:
        """The reply keyboard the bot currently shows this user, if any."""
        return self.chat.keyboard

    def _incoming(self, **content: Any) -> StoredMessage:
        if self.user.blocked:
            raise EmulatorUsageError(f"user {self.id} has blocked the bot; unblock() first")
        self.user.started = True
        message = self.emulator.add_message(self.chat, False, **content)
        self.emulator.updates.push("message", message.to_telegram())
        return message

    def _store(self, store: Callable[[Upload], Any], upload: Upload) -> Any:
        try:
            return store(upload)
        except ApiError as error:
            raise EmulatorUsageError(error.description) from None

    def _caption(self, caption: str | None) -> dict[str, Any]:
        if not caption:
            return {}
        formatted = self.emulator.format(caption, None, None)[0]
        return {
            "caption": formatted.text,
            "caption_entities": formatted.entities,
            "html": to_html(formatted),
        }

    def send_text(self, text: str, *, reply_to: int | None = None) -> StoredMessage:
        """The user types text (optionally replying to a message in the chat)."""
        return self._incoming(**self._typed(text, reply_to))

    def start(self, payload: str | None = None) -> StoredMessage:
        """Open the bot via t.me/<bot>?start=<payload> (or plain /start)."""
        if payload is not None and not _DEEP_LINK.fullmatch(payload):
            raise EmulatorUsageError("deep link payload must be 1-64 of A-Z a-z 0-9 _ -")
        return self.send_text(f"/start {payload}" if payload else "/start")

    def send_photo(
        self,
        data: bytes,
        filename: str = "photo.jpg",
        mime_type: str = "image/jpeg",
        caption: str | None = None,
    ) -> StoredMessage:
        photo = self._store(self.emulator.files.add_photo, Upload(data, filename, mime_type))
        return self._incoming(photo=photo, **self._caption(caption))

    def send_document(
        self,
        data: bytes,
        filename: str,
        mime_type: str = "application/octet-stream",
        caption: str | None = None,
    ) -> StoredMessage:
        upload = Upload(data, filename, mime_type)
        document = self._store(self.emulator.files.add_document, upload)
        return self._incoming(document=document, **self._caption(caption))

    def share_contact(self, phone_number: str | None = None) -> StoredMessage:
        """Send the user's own contact, as a request_contact button does."""
        phone = phone_number or self.user.phone_number
        if not phone:
            raise EmulatorUsageError(f"user {self.id} has no phone number")
        self.user.phone_number = phone
        contact: dict[str, Any] = {"phone_number": phone, "first_name": self.user.first_name}
        if self.user.last_name:
            contact["last_name"] = self.user.last_name
        contact["user_id"] = self.id
        return self._incoming(contact=contact)

    def share_phone_book_contact(
        self,
        phone_number: str,
        first_name: str,
        *,
        last_name: str | None = None,
        user_id: int | None = None,
    ) -> StoredMessage:
        """Send someone else's contact from the phone book (`user_id`: their account, if any)."""
        contact = phone_book_contact(phone_number, first_name, last_name, user_id)
        return self._incoming(contact=contact)

    def forward_text(self, text: str, writer_id: int, *, hidden: bool = False) -> StoredMessage:
        """Forward to the bot a text the user `writer_id` wrote them just now; `hidden`: the
        writer does not let forwards link to their account, so only their name comes."""
        origin = origin_of(self.emulator, writer_id, hidden, self.emulator.now())
        return self._incoming(**self._typed(text, None), forward_origin=origin)

    def edit_text(self, message_id: int, text: str) -> StoredMessage:
        """The user edits one of their text messages (an edited_message update)."""
        message = self.emulator.find_message(self.id, message_id)
        if message is None or message.outgoing or message.text is None:
            raise EmulatorUsageError(f"no text message {message_id} from user {self.id}")
        formatted = self.emulator.format(text, None, None)[0]
        message.text, message.entities = formatted.text, formatted.entities
        message.html = to_html(formatted)
        message.edit_date = self.emulator.now()
        self.emulator.updates.push("edited_message", message.to_telegram())
        self.emulator.publish("edit", self.id, message.view())
        return message

    def _find_button(
        self, button: str, message_id: int | None
    ) -> tuple[StoredMessage, dict[str, Any]]:
        candidates = [m for m in reversed(self.messages()) if m.outgoing and m.inline_keyboard]
        if message_id is not None:
            candidates = [m for m in candidates if m.message_id == message_id]
        for message in candidates:
            for row in message.inline_keyboard or []:
                for item in row:
                    if button in (item.get("callback_data"), item["text"]):
                        return message, item
        raise EmulatorUsageError(f"no inline button {button!r} in chat {self.id}")

    def click(
        self, button: str, *, message_id: int | None = None
    ) -> CallbackRecord | InlineQueryRecord:
        """Press an inline button (by callback_data or label) without waiting for the answer.
        A switch_inline_query_current_chat button sends no callback query: the app types
        '@bot <its query>' here, which sends that inline query (returned instead)."""
        if self.user.blocked:
            raise EmulatorUsageError(f"user {self.id} has blocked the bot; unblock() first")
        message, item = self._find_button(button, message_id)
        if "switch_inline_query_current_chat" in item:
            return start_query(self.emulator, self.user, item["switch_inline_query_current_chat"])
        if "callback_data" not in item:
            raise EmulatorUsageError(f"button {button!r} is not a callback button")
        data = item["callback_data"]
        query_id = str(secrets.randbits(63))
        record = CallbackRecord(
            query_id, self.id, self.id, message.message_id, data, self.emulator.clock()
        )
        self.emulator.callbacks[query_id] = record
        payload = {
            "id": query_id,
            "from": self.user.to_user(),
            "message": message.to_telegram(),
            "chat_instance": self.chat.chat_instance,
            "data": data,
        }
        self.emulator.updates.push("callback_query", payload)
        self.emulator.publish("callback_query", self.id, payload)
        return record

    async def press(
        self, button: str, *, message_id: int | None = None, timeout: float = 5.0
    ) -> CallbackAnswer | InlineAnswer | None:
        """Press an inline button and wait for answerCallbackQuery (for a
        switch_inline_query_current_chat button, the answer to its inline query); None if it
        never came."""
        record = self.click(button, message_id=message_id)
        if isinstance(record, InlineQueryRecord):
            return await wait_for_answer(self.emulator, record.id, timeout)
        callback = record
        try:
            return await self.emulator.wait_for(lambda: callback.answer, timeout)
        except TimeoutError:
            return None

    def inline_query(
        self,
        query: str,
        offset: str = "",
        chat_type: str = "sender",
        *,
        chat_id: int | None = None,
    ) -> str:
        """Type '@bot query' (in the chat with the bot, or in group chat_id, or, with chat_type
        "private", in a chat with someone else); returns the query's id. The bot gets it only
        while its inline mode is on."""
        return start_query(self.emulator, self.user, query, offset, chat_type, chat_id).id

    async def wait_for_inline_answer(
        self, query_id: str, timeout: float = 5.0
    ) -> InlineAnswer | None:
        """The bot's answer to an inline query; None if none came (or the bot never got it)."""
        return await wait_for_answer(self.emulator, query_id, timeout)

    def choose_inline_result(self, query_id: str, result_id: str) -> StoredMessage | None:
        """Tap a result of an answered inline query: the user sends its message via the bot in
        the chat the query was typed in (None if that chat is not the emulator's)."""
        return choose_result(self.emulator, self.user, query_id, result_id)

    def pay(
        self,
        message_id: int,
        *,
        order_info: dict[str, Any] | None = None,
        tip_amount: int = 0,
    ) -> str:
        """Pay the invoice of a bot message in this chat (its Pay button, then the payment
        form confirmed): the bot gets a pre_checkout_query; returns its id. The order
        information the invoice asks for is the user's name and phone number unless given in
        order_info, which must give an email or a shipping_address asked for. Paying the
        same invoice again is allowed, as in Telegram."""
        return start_payment(self.emulator, self.user, message_id, order_info, tip_amount).id

    async def wait_for_payment(self, query_id: str, timeout: float = 5.0) -> PaymentOutcome | None:
        """The bot's answer to the payment: ok with the successful_payment message the user
        sent, or refused with the error_message the user saw; None if the bot did not answer
        within Telegram's 10 s (on the emulator's clock) or timeout seconds of waiting."""
        return await wait_for_outcome(self.emulator, self.user, query_id, timeout)

    def press_reply_button(self, text: str) -> StoredMessage:
        """Tap a button of the current reply keyboard: its text, or the contact it requests."""
        keyboard = self.chat.keyboard
        rows: list[list[dict[str, Any]]] = keyboard["keyboard"] if keyboard else []
        button = next((b for row in rows for b in row if b["text"] == text), None)
        if keyboard is None or button is None:
            raise EmulatorUsageError(f"no reply keyboard button {text!r} in chat {self.id}")
        if keyboard.get("one_time_keyboard"):
            self.chat.keyboard = None
        if button.get("request_contact"):
            return self.share_contact()
        return self.send_text(text)

    def block(self) -> None:
        self.emulator.block(self.id)

    def unblock(self) -> None:
        self.emulator.unblock(self.id)
