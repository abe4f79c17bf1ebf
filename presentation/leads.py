"""Requests staff enter by hand: the questions, the sources on buttons, and the owner's list
of sources."""

from __future__ import annotations

from enum import StrEnum
from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from aiogram.utils.i18n import gettext as _

from presentation.callbacks import Number
from presentation.keyboards import skip_label
from presentation.render import source_name
from services.lead_sources import Source
from services.phones import display_phone


class LeadCb(CallbackData, prefix="nl"):
    """The source chosen for the request being entered: which draft the buttons were offered
    for (the number of the message that began it) and the source's place among them."""

    draft: Number
    index: Number


class SourceAction(StrEnum):
    ADD = "a"
    REMOVE = "x"


class SourceCb(CallbackData, prefix="ls"):
    action: SourceAction
    source_id: Number = 0


def ask_name() -> str:
    return _("New request by hand. What is the customer's name? /cancel to stop.")


def ask_phone() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=skip_label())]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def phone_question() -> str:
    return _("Their phone number? Type it, share a contact, or tap Skip.")


def what_question() -> str:
    return _("What do they want? Text, a photo or a document.")


def bad_phone() -> str:
    return _(
        "That doesn't look like a phone number. "
        "Type it like +994 50 123 45 67, share a contact, or tap Skip."
    )


def bad_contact() -> str:
    return _(
        "This contact's number doesn't look like a phone number, so no request was opened. "
        "Use /new to enter it by hand."
    )


def not_content() -> str:
    return _("What do they want? Send it as text, a photo or a document, or /cancel.")


def not_forwardable() -> str:
    return _("Only a message with text, a photo or a document opens a request.")


def source_question(name: str, phone: str | None) -> str:
    who = escape(name) if phone is None else f"{escape(name)}, {display_phone(phone)}"
    return _("A request for {who}. Where did they come from?").format(who=who)


def forward_question(name: str) -> str:
    return _(
        "Open a request with this message from {name}? Choose where it came from, or /cancel."
    ).format(name=escape(name))


def sources_keyboard(draft: int, offered: tuple[str, ...]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            text=source_name(key), callback_data=LeadCb(draft=draft, index=i).pack()
        )
        for i, key in enumerate(offered)
    ]
    return InlineKeyboardMarkup(
        inline_keyboard=[buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    )


def tap_a_source() -> str:
    return _("Please tap where the request came from, above, or /cancel.")


def added() -> str:
    return _("Added to the request. Now tap where it came from, above, or /cancel.")


def entered(deal_id: int) -> str:
    return _("Request #{number} is entered.").format(number=deal_id)


def sources_text(sources: list[Source]) -> str:
    lines = [_("<b>Sources of requests</b> (offered when a request is entered by hand)")]
    lines += [f"• {escape(source_name(source.key))}" for source in sources]
    return "\n".join(lines)


def sources_management(sources: list[Source]) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                text=_("✖️ Remove {name}").format(name=source.key),
                callback_data=SourceCb(action=SourceAction.REMOVE, source_id=source.own_id).pack(),
            )
        ]
        for source in sources
        if source.own_id is not None
    ]
    add = SourceCb(action=SourceAction.ADD).pack()
    rows.append([InlineKeyboardButton(text=_("➕ Add a source"), callback_data=add)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def ask_source_name() -> str:
    return _("Send the name of the new source, like Exhibition. /cancel to stop.")
