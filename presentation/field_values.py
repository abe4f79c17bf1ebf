"""A field's value as the reader reads it, the card's lines for filled fields and its 🧾 Fields
button."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from html import escape, unescape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton
from aiogram.utils.i18n import gettext as _
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from presentation.callbacks import Number
from presentation.render import stage_name
from services.field_kinds import CHOICE, MONEY, FieldView, Shown, Typed

# A text field's value, at most 500 characters, is cut to this on a card's line; a card's
# filled fields take at most CARD_ROOM characters of its 4096, the rest being what a card's
# other details take at their longest.
LINE_VALUE = 80
CARD_ROOM = 1200
# The fields of a request or a customer listed on their own screen.
SCREEN_ROOM = 3800


class ValueAction(StrEnum):
    LIST = "l"
    PICK = "p"
    SET = "s"
    CLEAR = "x"


class ValueCb(CallbackData, prefix="fv"):
    """A deal card's fields; `arg` is 1 yes / 0 no, or an option's index."""

    action: ValueAction
    deal_id: Number
    field_id: Number = 0
    arg: Number = 0


def field_name(field: FieldView, locale: str) -> str:
    return stage_name(field.names, locale)


def plain_value(field: FieldView, value: Typed, locale: str, currency: str) -> str:
    """A value as the reader writes it, without markup (spreadsheets, buttons)."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        if field.kind == MONEY:
            return str(format_currency(value, currency, locale=locale))
        return str(format_decimal(value, locale=locale))
    if isinstance(value, date):
        return str(format_date(value, "medium", locale=locale))
    if field.kind == CHOICE:
        option = field.choice(value)
        return stage_name(option.names, locale) if option else value
    return value


def value_text(shown: Shown, locale: str, currency: str) -> str:
    return escape(plain_value(shown.field, shown.value, locale, currency))


def saved_text(shown: Shown, locale: str, currency: str) -> str:
    """Said once a value is saved."""
    return _("🧾 {name}: {value}").format(
        name=field_name(shown.field, locale), value=value_text(shown, locale, currency)
    )


def cleared_text(field: FieldView, locale: str) -> str:
    return _("{name} cleared.").format(name=field_name(field, locale))


def line_value(shown: Shown, locale: str, currency: str) -> str:
    """A value on a line of a card or a list of fields: a long text cut, so that many of them
    still fit one message (the field's own screen shows it whole)."""
    plain = plain_value(shown.field, shown.value, locale, currency)
    if len(plain) > LINE_VALUE:
        plain = plain[: LINE_VALUE - 1] + "…"
    return escape(plain)


def within(lines: list[str], room: int) -> list[str]:
    """As many lines as `room` characters of text hold (as Telegram counts them, markup left
    out), then one saying how many more there are."""
    kept: list[str] = []
    used = 0
    for line in lines:
        used += len(unescape(line)) + 1
        if used > room:
            return [*kept, f"🧾 … +{len(lines) - len(kept)}"]
        kept.append(line)
    return kept


def field_lines(fields: tuple[Shown, ...], locale: str, currency: str) -> list[str]:
    """The lines for filled fields on a card: 🧾 name: value, within CARD_ROOM."""
    lines = [
        f"🧾 {escape(field_name(s.field, locale))}: {line_value(s, locale, currency)}"
        for s in fields
    ]
    return within(lines, CARD_ROOM)


def value_button(
    text: str, action: ValueAction, deal_id: int, field_id: int = 0, arg: int = 0
) -> InlineKeyboardButton:
    data = ValueCb(action=action, deal_id=deal_id, field_id=field_id, arg=arg)
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def fields_button(deal_id: int) -> InlineKeyboardButton:
    return value_button(_("🧾 Fields"), ValueAction.LIST, deal_id)
