"""Message content built from call parameters: text, captions, keyboards, replies."""

from __future__ import annotations

from typing import Any

from .entities import to_html
from .errors import bad_request
from .models import ChatState, StoredMessage
from .state import EmulatorState

MAX_TEXT = 4096
MAX_CAPTION = 1024


def text_content(emu: EmulatorState, params: dict[str, Any]) -> dict[str, Any]:
    """text/entities/html of a text message, with Telegram's length rules."""
    formatted, source = emu.format(
        params.get("text", ""), params.get("parse_mode"), params.get("entities")
    )
    if not formatted.text:
        raise bad_request("message text is empty")
    if len(formatted.text) > MAX_TEXT:
        raise bad_request("message is too long")
    return {
        "text": formatted.text,
        "entities": formatted.entities,
        "html": to_html(formatted),
        "source_html": source,
    }


def caption_content(emu: EmulatorState, params: dict[str, Any]) -> dict[str, Any]:
    """caption/caption_entities of a media message; an empty caption means none."""
    formatted, source = emu.format(
        params.get("caption", ""), params.get("parse_mode"), params.get("caption_entities")
    )
    if len(formatted.text) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    if not formatted.text:
        return {"caption": None, "caption_entities": [], "html": None, "source_html": None}
    return {
        "caption": formatted.text,
        "caption_entities": formatted.entities,
        "html": to_html(formatted),
        "source_html": source,
    }


def reply_target(
    emu: EmulatorState, chat: ChatState, params: dict[str, Any]
) -> StoredMessage | None:
    """The message a send replies to (reply_parameters or legacy reply_to_message_id)."""
    reply = params.get("reply_parameters")
    if reply is None and "reply_to_message_id" in params:
        reply = {
            "message_id": params["reply_to_message_id"],
            "allow_sending_without_reply": params.get("allow_sending_without_reply", False),
        }
    if reply is None:
        return None
    target_chat = reply.get("chat_id", chat.id)
    target = None
    if target_chat == chat.id:
        target = emu.find_message(chat.id, reply["message_id"])
    if target is None and not reply.get("allow_sending_without_reply"):
        raise bad_request("message to be replied not found")
    return target


def apply_keyboard(chat: ChatState, markup: dict[str, Any] | None) -> None:
    """Reply keyboards live on the chat, not on the message, as in Telegram clients."""
    if markup is None:
        return
    if "keyboard" in markup:
        chat.keyboard = markup
    elif markup.get("remove_keyboard"):
        chat.keyboard = None
