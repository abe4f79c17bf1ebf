"""Bot API methods that put messages into chats."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .content import apply_keyboard, caption_content, reply_target, text_content
from .errors import bad_request
from .state import EmulatorState

if TYPE_CHECKING:
    from .models import ChatState, StoredMessage

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


def _deliver(
    emu: EmulatorState, chat: ChatState, params: dict[str, Any], content: dict[str, Any]
) -> StoredMessage:
    reply_to = reply_target(emu, chat, params)
    markup = params.get("reply_markup")
    message = emu.add_message(
        chat,
        True,
        reply_markup=markup,
        reply_to=reply_to,
        protected=bool(params.get("protect_content")),
        **content,
    )
    apply_keyboard(chat, markup)
    return message


def send_message(emu: EmulatorState, params: dict[str, Any]) -> dict[str, Any]:
    chat = emu.chat_for_bot(params["chat_id"])
    content = text_content(emu, params)
    return _deliver(emu, chat, params, content).to_telegram()


def send_photo(emu: EmulatorState, params: dict[str, Any]) -> dict[str, Any]:
    chat = emu.chat_for_bot(params["chat_id"])
    caption = caption_content(emu, params)
    photo = emu.files.photo(params["photo"])
    return _deliver(emu, chat, params, {"photo": photo, **caption}).to_telegram()


def send_document(emu: EmulatorState, params: dict[str, Any]) -> dict[str, Any]:
    chat = emu.chat_for_bot(params["chat_id"])
    caption = caption_content(emu, params)
    document = emu.files.document(params["document"])
    return _deliver(emu, chat, params, {"document": document, **caption}).to_telegram()


def _source(emu: EmulatorState, params: dict[str, Any], verb: str) -> StoredMessage:
    source_chat = emu.chat_for_bot(params["from_chat_id"], "read")
    found = emu.find_message(source_chat.id, params["message_id"])
    if found is None:
        raise bad_request(f"message to {verb} not found")
    return found


def copy_message(emu: EmulatorState, params: dict[str, Any]) -> dict[str, Any]:
    source = _source(emu, params, "copy")
    chat = emu.chat_for_bot(params["chat_id"])
    if source.protected:
        raise bad_request("message can't be copied")
    content: dict[str, Any] = {
        "text": source.text,
        "entities": list(source.entities),
        "photo": source.photo,
        "document": source.document,
        "contact": source.contact,
        "html": source.html,
        "source_html": source.source_html,
    }
    if source.text is None and ("caption" in params or "caption_entities" in params):
        content.update(caption_content(emu, params))
    elif source.text is None:
        content.update(caption=source.caption, caption_entities=list(source.caption_entities))
    return {"message_id": _deliver(emu, chat, params, content).message_id}


def _origin(source: StoredMessage) -> dict[str, Any]:
    """Where a forwarded message first came from: its sender, or the channel that posted it."""
    if source.sender_chat is not None:
        return {
            "type": "channel",
            "chat": source.sender_chat,
            "message_id": source.message_id,
            "date": source.date,
        }
    return {"type": "user", "sender_user": source.sender, "date": source.date}


def forward_message(emu: EmulatorState, params: dict[str, Any]) -> dict[str, Any]:
    source = _source(emu, params, "forward")
    chat = emu.chat_for_bot(params["chat_id"])
    if source.protected:
        raise bad_request("message can't be forwarded")
    message = emu.add_message(
        chat,
        True,
        text=source.text,
        entities=list(source.entities),
        caption=source.caption,
        caption_entities=list(source.caption_entities),
        photo=source.photo,
        document=source.document,
        contact=source.contact,
        html=source.html,
        source_html=source.source_html,
        reply_markup=source.reply_markup if source.inline_keyboard else None,
        forward_origin=source.forward_origin or _origin(source),
        protected=bool(params.get("protect_content")),
    )
    return message.to_telegram()


def send_chat_action(emu: EmulatorState, params: dict[str, Any]) -> bool:
    chat = emu.chat_for_bot(params["chat_id"])
    if params["action"] not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    emu.publish("chat_action", chat.id, {"action": params["action"]})
    return True


HANDLERS: dict[str, Callable[[EmulatorState, dict[str, Any]], Any]] = {
    "sendMessage": send_message,
    "sendPhoto": send_photo,
    "sendDocument": send_document,
    "copyMessage": copy_message,
    "forwardMessage": forward_message,
    "sendChatAction": send_chat_action,
}
