"""Inline mode: a user's inline queries, the bot's answers, and the messages a user sends
through the bot by choosing a result."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from .content import MAX_CAPTION, MAX_TEXT
from .entities import to_html
from .errors import QUERY_TOO_OLD, ApiError, EmulatorUsageError, bad_request
from .models import EmuUser, InlineAnswer, InlineQueryRecord, StoredMessage
from .state import EmulatorState

# Telegram waits this long for the bot's answer; after it the query is gone.
ANSWER_TIMEOUT = 10.0
MAX_QUERY = 256
MAX_RESULTS = 50
MAX_ID_BYTES = 64
CHAT_TYPES = ("sender", "private", "group", "supergroup", "channel")
_START_PARAMETER = re.compile(r"[A-Za-z0-9_-]{1,64}")
_DOCUMENT_TYPES = ("application/pdf", "application/zip")
_LOCATION_FIELDS = ("horizontal_accuracy", "live_period", "heading", "proximity_alert_radius")
_VENUE_FIELDS = ("foursquare_id", "foursquare_type", "google_place_id", "google_place_type")


def set_inline_mode(emu: EmulatorState, placeholder: str | None, feedback: bool | None) -> None:
    """BotFather's /setinline (a placeholder turns inline mode on, None turns it off) and
    /setinlinefeedback."""
    emu.settings.inline_placeholder = placeholder
    if feedback is not None:
        emu.settings.inline_feedback = feedback
    emu.publish("inline_mode", None, inline_settings(emu))


def inline_settings(emu: EmulatorState) -> dict[str, Any]:
    settings = emu.settings
    return {
        "enabled": settings.inline_placeholder is not None,
        "placeholder": settings.inline_placeholder,
        "feedback": settings.inline_feedback,
    }


def _typed_in(
    emu: EmulatorState, user: EmuUser, chat_type: str, chat_id: int | None
) -> tuple[str, int | None]:
    """The chat type an inline query reports and the chat its chosen result goes to."""
    if chat_type not in CHAT_TYPES:
        raise EmulatorUsageError(f"chat_type must be one of {', '.join(CHAT_TYPES)}")
    if chat_id is None:
        if chat_type in ("group", "supergroup", "channel"):
            raise EmulatorUsageError(f"an inline query typed in a {chat_type} needs its chat_id")
        return chat_type, user.id if chat_type == "sender" else None
    group = emu.groups.get(chat_id)
    if group is None or user.id not in group.members:
        raise EmulatorUsageError(f"user {user.id} is not in chat {chat_id}")
    if chat_type not in ("sender", group.kind):
        raise EmulatorUsageError(f"chat {chat_id} is a {group.kind}, not a {chat_type}")
    return group.kind, chat_id


def start_query(
    emu: EmulatorState,
    user: EmuUser,
    query: str,
    offset: str = "",
    chat_type: str = "sender",
    chat_id: int | None = None,
) -> InlineQueryRecord:
    """The user types '@bot query'; the bot gets an inline_query update only if its inline
    mode is on, as a Telegram app sends nothing for a bot without it."""
    if len(query) > MAX_QUERY:
        raise EmulatorUsageError(f"an inline query is at most {MAX_QUERY} characters")
    kind, target = _typed_in(emu, user, chat_type, chat_id)
    delivered = emu.settings.inline_placeholder is not None
    record = InlineQueryRecord(
        str(secrets.randbits(63)), user.id, query, offset, kind, target, emu.clock(), delivered
    )
    emu.inline_queries[record.id] = record
    if delivered:
        payload = {
            "id": record.id,
            "from": user.to_user(),
            "query": query,
            "offset": offset,
            "chat_type": kind,
        }
        emu.updates.push("inline_query", payload)
        emu.publish("inline_query", target, payload)
    return record


async def wait_for_answer(
    emu: EmulatorState, query_id: str, timeout: float
) -> InlineAnswer | None:
    """The bot's answer; None if none came in time, at once if the bot never got the query."""
    record = emu.inline_queries.get(query_id)
    if record is None:
        raise EmulatorUsageError(f"no inline query {query_id}")
    if not record.delivered:
        return None
    try:
        return await emu.wait_for(lambda: record.answer, timeout)
    except TimeoutError:
        return None


def _format(
    emu: EmulatorState, text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None
) -> dict[str, Any]:
    try:
        formatted, source = emu.format(text, parse_mode, entities)
    except ApiError as error:
        reason = error.description.removeprefix("Bad Request: ")
        raise bad_request(
            f"can't parse inline query result: {reason[:1].upper()}{reason[1:]}"
        ) from None
    return {
        "text": formatted.text,
        "entities": formatted.entities,
        "html": to_html(formatted),
        "source_html": source,
    }


def _caption(emu: EmulatorState, result: dict[str, Any]) -> dict[str, Any]:
    parsed = _format(
        emu, result.get("caption", ""), result.get("parse_mode"), result.get("caption_entities")
    )
    if not parsed["text"]:
        return {}
    return {
        "caption": parsed["text"],
        "caption_entities": parsed["entities"],
        "html": parsed["html"],
        "source_html": parsed["source_html"],
    }


def _location(source: dict[str, Any]) -> dict[str, Any]:
    location = {"latitude": source["latitude"], "longitude": source["longitude"]}
    location.update({key: source[key] for key in _LOCATION_FIELDS if key in source})
    return location


def _venue(source: dict[str, Any]) -> dict[str, Any]:
    location = {"latitude": source["latitude"], "longitude": source["longitude"]}
    venue = {"location": location, "title": source["title"], "address": source["address"]}
    venue.update({key: source[key] for key in _VENUE_FIELDS if key in source})
    return {"venue": venue, "location": location}


def _contact(source: dict[str, Any]) -> dict[str, Any]:
    if not source["phone_number"].strip():
        raise bad_request('field "phone_number" must contain a valid phone number')
    if not source["first_name"].strip():
        raise bad_request('field "first_name" must be non-empty')
    keys = ("phone_number", "first_name", "last_name", "vcard")
    return {"contact": {key: source[key] for key in keys if key in source}}


def _given_content(emu: EmulatorState, content: dict[str, Any]) -> dict[str, Any] | None:
    """An InputMessageContent as the message it sends (None: an invoice or rich message)."""
    if "message_text" in content:
        text = _format(
            emu, content["message_text"], content.get("parse_mode"), content.get("entities")
        )
        if not text["text"]:
            # What tdlib answers for text that is empty once parsed and trimmed.
            raise bad_request("message must be non-empty")
        return text
    if "address" in content:
        return _venue(content)
    if "latitude" in content:
        return {"location": _location(content)}
    if "phone_number" in content:
        return _contact(content)
    return None


def _remote_file(url: str) -> dict[str, Any]:
    return {
        "file_id": "BQACAgIAAxkBAA" + secrets.token_urlsafe(36),
        "file_unique_id": "AQAD" + secrets.token_urlsafe(9),
        "file_name": urlsplit(url).path.rsplit("/", 1)[-1] or "file",
    }


def _own_content(emu: EmulatorState, result: dict[str, Any]) -> dict[str, Any] | None:
    """What a result without input_message_content sends: its photo, document, contact,
    location or venue (None: a kind the emulator does not send)."""
    kind = result["type"]
    if kind == "photo":
        if "photo_file_id" in result:
            photo = emu.files.photo(result["photo_file_id"])
        else:
            size = {
                "file_id": "AgACAgIAAxkBAA" + secrets.token_urlsafe(36),
                "file_unique_id": "AQAD" + secrets.token_urlsafe(9),
                "width": result.get("photo_width") or 320,
                "height": result.get("photo_height") or 320,
            }
            photo = [size]
        return {"photo": photo, **_caption(emu, result)}
    if kind == "document":
        if "document_file_id" in result:
            document = emu.files.document(result["document_file_id"])
        else:
            if not result["mime_type"].startswith(_DOCUMENT_TYPES):
                raise bad_request("unallowed document MIME type")
            document = {**_remote_file(result["document_url"]), "mime_type": result["mime_type"]}
        return {"document": document, **_caption(emu, result)}
    if kind == "contact":
        return _contact(result)
    if kind == "location":
        return {"location": _location(result)}
    if kind == "venue":
        return _venue(result)
    return None


def _check_server_rules(params: dict[str, Any], contents: list[dict[str, Any] | None]) -> None:
    """What Telegram's servers refuse of an answer they accept to parse: their error codes
    for setInlineBotResults, which the Bot API passes on as they are."""
    seen: set[str] = set()
    for result in params["results"]:
        size = len(result["id"].encode("utf-8"))
        if size == 0:
            raise bad_request("RESULT_ID_EMPTY")
        if size > MAX_ID_BYTES:
            raise bad_request("RESULT_ID_INVALID")  # plausible: the code for a malformed id
        if result["id"] in seen:
            raise bad_request("RESULT_ID_DUPLICATE")
        seen.add(result["id"])
    for content in contents:
        if content is None:
            continue
        # Plausible: tdlib leaves these lengths of an inline message to the server.
        if len(content.get("text") or "") > MAX_TEXT:
            raise bad_request("MESSAGE_TOO_LONG")
        if len(content.get("caption") or "") > MAX_CAPTION:
            raise bad_request("MEDIA_CAPTION_TOO_LONG")
    if len(params.get("next_offset", "").encode("utf-8")) > MAX_ID_BYTES:
        raise bad_request("NEXT_OFFSET_INVALID")


def _button(params: dict[str, Any]) -> dict[str, Any] | None:
    button: dict[str, Any] | None = params.get("button")
    if button is None:
        return None
    if "start_parameter" not in button and "web_app" not in button:
        raise bad_request(
            "can't parse inline query results button: "
            "InlineQueryResultsButton must have exactly one optional field"
        )
    parameter = button.get("start_parameter")
    if parameter is not None and not _START_PARAMETER.fullmatch(parameter):
        # Telegram's server error for a bad deep-link parameter (not confirmed for buttons).
        raise bad_request("START_PARAM_INVALID")
    return button


def answer_inline_query(emu: EmulatorState, params: dict[str, Any]) -> bool:
    results: list[dict[str, Any]] = params["results"]
    if len(results) > MAX_RESULTS:
        # The Bot API's own check, before the server's RESULTS_TOO_MUCH could be reached.
        raise bad_request("too many inline query results specified")
    contents = []
    for result in results:
        given = result.get("input_message_content")
        contents.append(
            _given_content(emu, given) if given is not None else _own_content(emu, result)
        )
    button = _button(params)
    record = emu.inline_queries.get(params["inline_query_id"])
    too_old = record is not None and emu.clock() - record.created_at > ANSWER_TIMEOUT
    if record is None or not record.delivered or record.answer is not None or too_old:
        raise bad_request(QUERY_TOO_OLD)
    _check_server_rules(params, contents)
    cache_time = min(max(params.get("cache_time", 300), 0), 24 * 60 * 60)
    record.answer = InlineAnswer(
        record.id,
        results,
        params.get("next_offset", ""),
        cache_time,
        bool(params.get("is_personal", False)),
        button,
    )
    record.contents = {r["id"]: content for r, content in zip(results, contents, strict=True)}
    emu.publish(
        "inline_answer",
        record.chat_id,
        {
            "inline_query_id": record.id,
            "user_id": record.user_id,
            "results": results,
            "next_offset": record.answer.next_offset,
            "button": button,
        },
    )
    return True


def _send(
    emu: EmulatorState, user: EmuUser, record: InlineQueryRecord, content: dict[str, Any]
) -> StoredMessage | None:
    """The chosen result's message, sent by the user via the bot where the query was typed;
    the bot gets it as any message there (in privacy mode too, being sent via it)."""
    if record.chat_id is None:
        return None
    group = emu.groups.get(record.chat_id)
    if group is None:
        if user.blocked:
            raise EmulatorUsageError(f"user {user.id} has blocked the bot; unblock() first")
        user.started = True
        chat = emu.chat_of(user)
    else:
        chat = emu.chats[group.id]
    message = emu.add_message(chat, False, user.to_user(), via_bot=emu.bot_user(), **content)
    if group is None or group.has_bot:
        kind = "channel_post" if group is not None and group.kind == "channel" else "message"
        emu.updates.push(kind, message.to_telegram())
    return message


def choose_result(
    emu: EmulatorState, user: EmuUser, query_id: str, result_id: str
) -> StoredMessage | None:
    """The user taps a result: its message appears in the chat the query was typed in (None
    if that is a private chat with someone else), and, with inline feedback on, the bot gets
    a chosen_inline_result update."""
    record = emu.inline_queries.get(query_id)
    if record is None or record.user_id != user.id:
        raise EmulatorUsageError(f"user {user.id} typed no inline query {query_id}")
    if record.answer is None:
        raise EmulatorUsageError(f"inline query {query_id} has no answer to choose from")
    result = next((r for r in record.answer.results if r["id"] == result_id), None)
    if result is None:
        raise EmulatorUsageError(f"no result {result_id!r} in the answer to query {query_id}")
    content = record.contents[result_id]
    if content is None:
        raise EmulatorUsageError(f"the emulator does not send {result['type']} results")
    markup = result.get("reply_markup")
    message = _send(emu, user, record, {**content, "reply_markup": markup})
    if emu.settings.inline_feedback:
        chosen: dict[str, Any] = {"result_id": result_id, "from": user.to_user()}
        if markup is not None:
            chosen["inline_message_id"] = secrets.token_urlsafe(27)
        chosen["query"] = record.query
        emu.updates.push("chosen_inline_result", chosen)
        emu.publish("chosen_inline_result", record.chat_id, chosen)
    return message


HANDLERS: dict[str, Callable[[EmulatorState, dict[str, Any]], Any]] = {
    "answerInlineQuery": answer_inline_query,
}
