"""A customer's history: each change of their card, newest first, in the reader's words."""

from __future__ import annotations

from datetime import date
from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from babel.dates import format_date

from presentation.customers.callbacks import CustomerAction, CustomerCb
from presentation.customers.card import back_button
from presentation.deals.card import Reader
from presentation.deals.pickers import describe, entry_line
from presentation.keyboards import LANGUAGES
from services.customer_history import CustomerHistory
from services.history import Entry, Value
from services.phones import display_phone

LANGUAGE = "customer_language"


def history_text(page: CustomerHistory, reader: Reader) -> str:
    title = _("<b>History of {name}</b>").format(name=escape(page.name or "—"))
    if page.pages > 1:
        title += " " + _("(page {page} of {pages})").format(page=page.page + 1, pages=page.pages)
    lines = [entry_line(entry, describe_change(entry, reader), reader) for entry in page.entries]
    return "\n".join([title, *(lines or [_("No changes yet.")])])


def history_keyboard(page: CustomerHistory) -> InlineKeyboardMarkup:
    def turn(text: str, to: int) -> InlineKeyboardButton:
        data = CustomerCb(
            action=CustomerAction.HISTORY, target=page.customer_id, version=page.version, arg=to
        )
        return InlineKeyboardButton(text=text, callback_data=data.pack())

    arrows = []
    if page.page > 0:
        arrows.append(turn("‹", page.page - 1))
    if page.page + 1 < page.pages:
        arrows.append(turn("›", page.page + 1))
    rows = [arrows] if arrows else []
    return InlineKeyboardMarkup(
        inline_keyboard=[*rows, [back_button(page.customer_id, page.version)]]
    )


def _details() -> dict[str, str]:
    return {
        "customer_name": _("✏️ Name"),
        "customer_email": _("✉️ E-mail"),
        "customer_company": _("🏢 Company"),
        "customer_address": _("🏠 Address"),
        "customer_notes": _("📝 Notes"),
        "customer_birthday": _("🎂 Birthday"),
        LANGUAGE: _("🗣 Language"),
    }


def describe_change(entry: Entry, reader: Reader) -> str:
    """One change of the card in the reader's words; a field's as a request's history says it."""
    old, new = entry.old, entry.new
    detail = _details().get(entry.kind)
    if entry.kind == LANGUAGE:
        old, new = _language(old), _language(new)
    if detail is not None:
        return f"{detail}: {_value(old, reader)} → {_value(new, reader)}"
    match entry.kind:
        case "customer_phone_added":
            return _("📞 {phone} added").format(phone=_phone(new))
        case "customer_phone_removed":
            return _("📞 {phone} removed").format(phone=_phone(old))
        case "customer_main_phone":
            return _("📞 {phone} made the main number").format(phone=_phone(new))
        case "customer_tag_added":
            return _("tag #{tag} added").format(tag=escape(_text(new)))
        case "customer_tag_removed":
            return _("tag #{tag} removed").format(tag=escape(_text(old)))
        case "customer_imported":
            return _("📥 written from a customers file")
    return describe(entry, reader)


def _language(value: Value) -> Value:
    return LANGUAGES.get(value, value) if isinstance(value, str) else value


def _value(value: Value, reader: Reader) -> str:
    if isinstance(value, date):
        return str(format_date(value, format="long", locale=reader.locale))
    return escape(_text(value)) or "—"


def _phone(value: Value) -> str:
    return escape(display_phone(_text(value)))


def _text(value: Value) -> str:
    return value if isinstance(value, str) else ""
