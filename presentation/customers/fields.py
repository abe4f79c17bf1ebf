"""The customer card's 🧾 Fields: the customer's fields with their values, and one field's
picker (yes/no and options as buttons, other kinds typed)."""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from presentation.customers.card import back_button, value_button
from presentation.deals.card import Reader
from presentation.field_values import ValueAction, field_name
from presentation.fields import picker_lines, picker_rows, value_lines
from services.customer_fields import CustomerField, CustomerFields


def fields_text(found: CustomerFields, reader: Reader) -> str:
    title = _("<b>Fields of {name}</b>").format(name=escape(found.name or "—"))
    return "\n".join([title, *value_lines(found.fields, found.values, reader)])


def fields_keyboard(found: CustomerFields, reader: Reader) -> InlineKeyboardMarkup:
    cid, version = found.customer_id, found.version
    rows = [
        [value_button(cid, version, field_name(f, reader.locale), ValueAction.PICK, f.field_id)]
        for f in found.fields
    ]
    rows.append([back_button(cid, version)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def picker_text(one: CustomerField, reader: Reader) -> str:
    title = _("<b>{customer}: {field}</b>").format(
        customer=escape(one.name or "—"), field=escape(field_name(one.field, reader.locale))
    )
    return "\n".join([title, *picker_lines(one.field, one.value, reader)])


def picker_keyboard(one: CustomerField, reader: Reader) -> InlineKeyboardMarkup:
    def make(text: str, action: ValueAction, arg: int) -> InlineKeyboardButton:
        fid = 0 if action == ValueAction.LIST else one.field.field_id
        return value_button(one.customer_id, one.version, text, action, fid, arg)

    return InlineKeyboardMarkup(inline_keyboard=picker_rows(one.field, one.value, reader, make))
