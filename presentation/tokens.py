"""The owner's list of HTTP API tokens and the one-time display of a new one."""

from __future__ import annotations

from enum import StrEnum
from html import escape
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from presentation.callbacks import Number
from presentation.render import when
from services.api_tokens import NewToken, TokenView


class TokenAction(StrEnum):
    CREATE = "c"
    REVOKE = "x"


class TokenCb(CallbackData, prefix="ak"):
    action: TokenAction
    token_id: Number = 0


def token_list(tokens: list[TokenView], zone: ZoneInfo, locale: str) -> str:
    lines = [_("<b>HTTP API tokens</b>")]
    live = [t for t in tokens if not t.revoked]
    if not live:
        lines.append(_("No tokens yet. Websites and phone systems need one to send requests."))
    for token in live:
        used = when(token.last_used_at, zone, locale) if token.last_used_at else _("never used")
        lines.append(
            _("🔑 {name} · made {made} · last used: {used}").format(
                name=escape(token.name), made=when(token.created_at, zone, locale), used=used
            )
        )
    return "\n".join(lines)


def token_keyboard(tokens: list[TokenView]) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                text=_("Revoke {name}").format(name=token.name),
                callback_data=TokenCb(action=TokenAction.REVOKE, token_id=token.token_id).pack(),
            )
        ]
        for token in tokens
        if not token.revoked
    ]
    rows.append(
        [
            InlineKeyboardButton(
                text=_("➕ New token"), callback_data=TokenCb(action=TokenAction.CREATE).pack()
            )
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def created_text(token: NewToken) -> str:
    return _(
        "🔑 Token {name} is ready. It is shown only this once: copy it now.\n<code>{secret}</code>"
    ).format(name=escape(token.name), secret=token.secret)
