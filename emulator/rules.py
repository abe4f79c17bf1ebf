"""Constraints the spec states only in prose (button actions, data sizes, command names)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .errors import bad_request
from .links import check_link

_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_REPLY_ACTIONS = (
    "request_users",
    "request_chat",
    "request_managed_bot",
    "request_contact",
    "request_location",
    "request_poll",
    "web_app",
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_STYLES = ("danger", "success", "primary")
_MISSING = {
    "text": "message text is empty",
    "photo": "there is no photo in the request",
    "document": "there is no document in the request",
    "message_id": "message identifier is not specified",
    "action": "wrong parameter action in request",
}


def missing_field_message(field: str) -> str:
    """Reason Telegram gives when a required parameter is absent or empty."""
    return _MISSING.get(field, f"{field} is empty")


def _style(button: dict[str, Any], owner: str) -> None:
    if "style" in button and button["style"] not in _STYLES:
        raise bad_request(f"can't parse {owner}: unsupported button style")


def _inline_button(button: dict[str, Any]) -> None:
    owner = "inline keyboard button"
    _style(button, owner)
    actions = [name for name in _INLINE_ACTIONS if name in button]
    if not actions:
        raise bad_request(
            f"can't parse {owner}: Text buttons are unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        raise bad_request(
            f"can't parse {owner}: exactly one of the optional fields must be used, "
            f"got {', '.join(actions)}"
        )
    data = button.get("callback_data")
    if data is not None and not 1 <= len(data.encode("utf-8")) <= 64:
        raise bad_request("BUTTON_DATA_INVALID")
    copied = button.get("copy_text")
    if copied is not None and not 1 <= len(copied.get("text", "")) <= 256:
        raise bad_request("BUTTON_COPY_TEXT_INVALID")
    url = button.get("url")
    if url is not None and check_link(url) is None:
        raise bad_request("BUTTON_URL_INVALID")


def _keyboard_button(button: dict[str, Any]) -> None:
    owner = "keyboard button"
    _style(button, owner)
    actions = [name for name in _REPLY_ACTIONS if name in button]
    if button.get("request_contact") is False:
        actions.remove("request_contact")
    if button.get("request_location") is False:
        actions.remove("request_location")
    if len(actions) > 1:
        raise bad_request(
            f"can't parse {owner}: at most one of the optional fields can be used, "
            f"got {', '.join(actions)}"
        )


def _bot_command(command: dict[str, Any]) -> None:
    if not _COMMAND.fullmatch(command["command"]):
        raise bad_request("BOT_COMMAND_INVALID")
    if not 1 <= len(command["description"].strip()) <= 256:
        raise bad_request("command description is empty")


def _rows(markup: dict[str, Any], key: str) -> None:
    rows = markup[key]
    if sum(len(row) for row in rows) > 100:
        raise bad_request("reply markup is too long")


TYPE_RULES: dict[str, Callable[[dict[str, Any]], None]] = {
    "InlineKeyboardButton": _inline_button,
    "KeyboardButton": _keyboard_button,
    "BotCommand": _bot_command,
    "InlineKeyboardMarkup": lambda markup: _rows(markup, "inline_keyboard"),
    "ReplyKeyboardMarkup": lambda markup: _rows(markup, "keyboard"),
}
