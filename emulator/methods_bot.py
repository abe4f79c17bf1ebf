"""Bot API methods about the bot itself: identity, updates, webhook, commands, chats, files."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from .errors import bad_request, conflict
from .groups import bot_out, full_info
from .models import GIFT_TYPES, Described, Group
from .state import EmulatorState
from .webhook import Webhook

_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_WEBHOOK_PORTS = frozenset({80, 88, 443, 8443})
_LANGUAGE = re.compile(r"[a-z]{2}")
_TEXT_LIMITS = {"name": 64, "description": 512, "short_description": 120}
DOWNLOAD_LIMIT = 20 * 1024 * 1024


def scope_key(scope: dict[str, Any] | None) -> str:
    """A stable key for a BotCommandScope; no scope means the default one."""
    return json.dumps(scope or {"type": "default"}, sort_keys=True)


def get_me(emu: EmulatorState, params: dict[str, Any]) -> dict[str, Any]:
    return {
        **emu.bot_user(),
        "can_join_groups": True,
        "can_read_all_group_messages": not emu.privacy_mode,
        "supports_inline_queries": emu.settings.inline_placeholder is not None,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def get_updates(emu: EmulatorState, params: dict[str, Any]) -> list[dict[str, Any]]:
    if emu.webhook.webhook is not None:
        raise conflict(
            "can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first"
        )
    emu.updates.set_allowed(params.get("allowed_updates"))
    return await emu.updates.get(
        params.get("offset", 0), params.get("limit", 100), params.get("timeout", 0)
    )


def set_webhook(emu: EmulatorState, params: dict[str, Any]) -> Described:
    url = params["url"]
    if not url:
        return delete_webhook(emu, params)
    parts = urlsplit(url)
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if (parts.port or 443) not in _WEBHOOK_PORTS:
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    secret = params.get("secret_token")
    if secret is not None and not _SECRET.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    if params.get("drop_pending_updates"):
        emu.updates.drop_all()
    emu.updates.set_allowed(params.get("allowed_updates"))
    webhook = Webhook(
        url,
        secret,
        params.get("max_connections", 40),
        params.get("ip_address"),
        "certificate" in params,
    )
    if webhook == emu.webhook.webhook:
        return Described(True, "Webhook is already set")
    emu.updates.end_polls("terminated by setWebhook request")
    emu.webhook.set(webhook)
    return Described(True, "Webhook was set")


def delete_webhook(emu: EmulatorState, params: dict[str, Any]) -> Described:
    if params.get("drop_pending_updates"):
        emu.updates.drop_all()
    existed = emu.webhook.webhook is not None
    emu.webhook.delete()
    return Described(True, "Webhook was deleted" if existed else "Webhook is already deleted")


def get_webhook_info(emu: EmulatorState, params: dict[str, Any]) -> dict[str, Any]:
    webhook = emu.webhook.webhook
    info: dict[str, Any] = {
        "url": webhook.url if webhook else "",
        "has_custom_certificate": webhook.has_custom_certificate if webhook else False,
        "pending_update_count": len(emu.updates.pending),
    }
    if webhook:
        if webhook.ip_address:
            info["ip_address"] = webhook.ip_address
        if emu.webhook.last_error:
            info["last_error_date"], info["last_error_message"] = emu.webhook.last_error
        info["max_connections"] = webhook.max_connections
    if emu.updates.allowed is not None:
        info["allowed_updates"] = sorted(emu.updates.allowed)
    return info


def _command_key(emu: EmulatorState, params: dict[str, Any]) -> tuple[str, str]:
    scope = params.get("scope")
    if scope is not None and isinstance(scope.get("chat_id"), int | str):
        emu.chat_for_bot(scope["chat_id"], "read")
    language = params.get("language_code", "")
    if language and not _LANGUAGE.fullmatch(language):
        raise bad_request("invalid language code specified")
    return scope_key(scope), language


def set_my_commands(emu: EmulatorState, params: dict[str, Any]) -> bool:
    commands = params["commands"]
    if len(commands) > 100:
        raise bad_request("too many commands specified")
    key = _command_key(emu, params)
    if commands:
        emu.settings.commands[key] = commands
    else:
        emu.settings.commands.pop(key, None)
    return True


def get_my_commands(emu: EmulatorState, params: dict[str, Any]) -> list[dict[str, Any]]:
    return list(emu.settings.commands.get(_command_key(emu, params), []))


def delete_my_commands(emu: EmulatorState, params: dict[str, Any]) -> bool:
    emu.settings.commands.pop(_command_key(emu, params), None)
    return True


def set_chat_menu_button(emu: EmulatorState, params: dict[str, Any]) -> bool:
    button = params.get("menu_button", {"type": "default"})
    if "chat_id" in params:
        emu.chat_for_bot(params["chat_id"], "read").menu_button = button
    else:
        emu.settings.menu_button = button
    return True


def get_chat_menu_button(emu: EmulatorState, params: dict[str, Any]) -> dict[str, Any]:
    if "chat_id" in params:
        chat = emu.chat_for_bot(params["chat_id"], "read")
        if chat.menu_button is not None:
            return chat.menu_button
    return emu.settings.menu_button or {"type": "default"}


def get_chat(emu: EmulatorState, params: dict[str, Any]) -> dict[str, Any]:
    peer = emu.chat_for_bot(params["chat_id"], "read").peer
    if isinstance(peer, Group):
        return full_info(peer)
    return {
        **peer.to_chat(),
        "accent_color_id": peer.id % 7,
        "max_reaction_count": 11,
        "accepted_gift_types": dict.fromkeys(GIFT_TYPES, True),
    }


def leave_chat(emu: EmulatorState, params: dict[str, Any]) -> bool:
    peer = emu.chat_for_bot(params["chat_id"], "read").peer
    if not isinstance(peer, Group):
        raise bad_request("can't leave private chats")
    # Leaving a basic group the bot is already out of succeeds, and changes nothing.
    if peer.has_bot:
        bot_out(emu, peer, "left", emu.bot_user())
    return True


def get_file(emu: EmulatorState, params: dict[str, Any]) -> dict[str, Any]:
    stored = emu.files.get(params["file_id"])
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.data) > DOWNLOAD_LIMIT:
        raise bad_request("file is too big")
    return stored.to_file()


def _text_setter(kind: str) -> Callable[[EmulatorState, dict[str, Any]], bool]:
    def handler(emu: EmulatorState, params: dict[str, Any]) -> bool:
        value = params.get(kind, "")
        if len(value) > _TEXT_LIMITS[kind]:
            raise bad_request(f"{kind.replace('_', ' ')} is too long")
        emu.settings.texts[(kind, params.get("language_code", ""))] = value
        return True

    return handler


def _text_getter(kind: str) -> Callable[[EmulatorState, dict[str, Any]], dict[str, str]]:
    def handler(emu: EmulatorState, params: dict[str, Any]) -> dict[str, str]:
        texts = emu.settings.texts
        language = params.get("language_code", "")
        fallback = emu.first_name if kind == "name" else ""
        return {kind: texts.get((kind, language)) or texts.get((kind, ""), fallback)}

    return handler


def _ok(emu: EmulatorState, params: dict[str, Any]) -> bool:
    return True


HANDLERS: dict[str, Callable[[EmulatorState, dict[str, Any]], Any]] = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "logOut": _ok,
    "close": _ok,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
    "getChat": get_chat,
    "leaveChat": leave_chat,
    "getFile": get_file,
    "setMyName": _text_setter("name"),
    "getMyName": _text_getter("name"),
    "setMyDescription": _text_setter("description"),
    "getMyDescription": _text_getter("description"),
    "setMyShortDescription": _text_setter("short_description"),
    "getMyShortDescription": _text_getter("short_description"),
}
