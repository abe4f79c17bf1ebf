"""Bot API methods that change existing messages or answer callback queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .content import caption_content, text_content
from .errors import NOT_MODIFIED, QUERY_TOO_OLD, bad_request
from .models import CallbackAnswer
from .state import EmulatorState

if TYPE_CHECKING:
    from .models import StoredMessage

MAX_CALLBACK_TEXT = 200


def _target(emu: EmulatorState, params: dict[str, Any], verb: str = "edit") -> StoredMessage:
    if "inline_message_id" in params and "chat_id" not in params:
        raise bad_request("MESSAGE_ID_INVALID")
    if "chat_id" not in params:
        raise bad_request("chat_id is empty")
    if "message_id" not in params:
        raise bad_request("message identifier is not specified")
    chat = emu.chat_for_bot(params["chat_id"], "edit")
    message = emu.find_message(chat.id, params["message_id"])
    if message is None:
        raise bad_request(f"message to {verb} not found")
    return message


def _check_editable(message: StoredMessage) -> None:
    if not message.outgoing or not message.editable:
        raise bad_request("message can't be edited")


def _commit(emu: EmulatorState, message: StoredMessage, changes: dict[str, Any]) -> dict[str, Any]:
    current = {key: getattr(message, key) for key in changes}
    # Only an inline keyboard belongs to a message; reply keyboards live on the chat.
    current["reply_markup"] = message.reply_markup if message.inline_keyboard else None
    comparable = {k: v for k, v in changes.items() if k not in ("html", "source_html")}
    if all(current[key] == value for key, value in comparable.items()):
        raise bad_request(NOT_MODIFIED)
    for key, value in changes.items():
        setattr(message, key, value)
    message.edit_date = emu.now()
    emu.publish("edit", message.chat_id, message.view())
    return message.to_telegram()


def edit_message_text(emu: EmulatorState, params: dict[str, Any]) -> dict[str, Any]:
    message = _target(emu, params)
    _check_editable(message)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    content = text_content(emu, params)
    return _commit(emu, message, {**content, "reply_markup": params.get("reply_markup")})


def edit_message_caption(emu: EmulatorState, params: dict[str, Any]) -> dict[str, Any]:
    message = _target(emu, params)
    _check_editable(message)
    if message.text is not None or message.contact is not None:
        raise bad_request("there is no caption in the message to edit")
    content = caption_content(emu, params)
    return _commit(emu, message, {**content, "reply_markup": params.get("reply_markup")})


def edit_message_reply_markup(emu: EmulatorState, params: dict[str, Any]) -> dict[str, Any]:
    message = _target(emu, params)
    _check_editable(message)
    return _commit(emu, message, {"reply_markup": params.get("reply_markup")})


def delete_message(emu: EmulatorState, params: dict[str, Any]) -> bool:
    message = _target(emu, params, verb="delete")
    if not message.editable:
        raise bad_request("message can't be deleted for everyone")
    message.deleted = True
    emu.publish("delete", message.chat_id, {"message_id": message.message_id})
    return True


def answer_callback_query(emu: EmulatorState, params: dict[str, Any]) -> bool:
    record = emu.callbacks.get(params["callback_query_id"])
    expired = record is not None and (emu.clock() - record.created_at > emu.callback_query_timeout)
    if record is None or record.answer is not None or expired:
        raise bad_request(QUERY_TOO_OLD)
    text = params.get("text")
    if text is not None and len(text) > MAX_CALLBACK_TEXT:
        raise bad_request("MESSAGE_TOO_LONG")
    record.answer = CallbackAnswer(
        text=text,
        show_alert=bool(params.get("show_alert", False)),
        url=params.get("url"),
        cache_time=int(params.get("cache_time", 0)),
    )
    emu.publish(
        "callback_answer",
        record.chat_id,
        {
            "callback_query_id": record.id,
            "message_id": record.message_id,
            "text": text,
            "show_alert": record.answer.show_alert,
            "url": record.answer.url,
        },
    )
    return True


HANDLERS: dict[str, Callable[[EmulatorState, dict[str, Any]], Any]] = {
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "answerCallbackQuery": answer_callback_query,
}
