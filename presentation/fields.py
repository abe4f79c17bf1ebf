"""Fields: the owner's editor (/fields), a value as the reader reads it, and the deal card's
🧾 Fields picker. Button data carry ids and indexes only."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from babel.numbers import format_decimal

from presentation.callbacks import Number
from presentation.deals.card import Reader, back
from presentation.field_values import (
    SCREEN_ROOM,
    ValueAction,
    field_name,
    line_value,
    value_button,
    value_text,
    within,
)
from presentation.keyboards import LANGUAGES
from presentation.render import stage_name
from services.access import SUPPORTED_LOCALES
from services.field_kinds import (
    CHOICE,
    DATE,
    DEAL,
    ENTITIES,
    KINDS,
    MONEY,
    NUMBER,
    YES_NO,
    FieldView,
    Shown,
    Typed,
)
from services.fields import DealFields
from services.views import DealCard


class FieldAction(StrEnum):
    LIST = "l"
    SHOW = "v"
    ADD = "a"
    ENTITY = "e"
    KIND = "k"
    SAME = "s"
    RENAME = "r"
    UP = "u"
    DOWN = "d"
    SWITCH = "o"


class FieldCb(CallbackData, prefix="fd"):
    """The owner's editor; `arg` is an entity, kind or language index."""

    action: FieldAction
    field_id: Number = 0
    arg: Number = 0


def kind_names() -> dict[str, str]:
    return {
        "text": _("text"),
        "number": _("number"),
        MONEY: _("money"),
        DATE: _("date"),
        YES_NO: _("yes/no"),
        CHOICE: _("one of a list"),
    }


def entity_names() -> dict[str, str]:
    return {DEAL: _("Request fields"), "customer": _("Customer fields")}


def _button(
    text: str, action: FieldAction, field_id: int = 0, arg: int = 0
) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=text, callback_data=FieldCb(action=action, field_id=field_id, arg=arg).pack()
    )


def overview_text(fields: list[FieldView], locale: str) -> str:
    lines = [_("<b>Fields</b>")]
    for entity in ENTITIES:
        lines.append("")
        lines.append(f"<b>{entity_names()[entity]}</b>")
        mine = [f for f in fields if f.entity == entity]
        if not mine:
            lines.append(_("None yet."))
        for field in mine:
            off = "" if field.active else " · " + _("switched off")
            lines.append(
                f"• {escape(field_name(field, locale))} ({kind_names()[field.kind]}){off}"
            )
    lines.append("")
    lines.append(_("Managers fill them in from a request's card (🧾 Fields)."))
    return "\n".join(lines)


def overview_keyboard(fields: list[FieldView], locale: str) -> InlineKeyboardMarkup:
    rows = [
        [
            _button(
                ("" if f.active else "💤 ") + field_name(f, locale), FieldAction.SHOW, f.field_id
            )
        ]
        for f in fields
    ]
    rows.append([_button(_("➕ Add a field"), FieldAction.ADD)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def entity_keyboard() -> InlineKeyboardMarkup:
    names = entity_names()
    rows = [[_button(names[e], FieldAction.ENTITY, arg=i)] for i, e in enumerate(ENTITIES)]
    rows.append([_button(_("« All fields"), FieldAction.LIST)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def kind_keyboard(entity_index: int) -> InlineKeyboardMarkup:
    names = kind_names()
    # The entity rides along in field_id: no field exists yet.
    buttons = [
        _button(names[kind], FieldAction.KIND, entity_index, i) for i, kind in enumerate(KINDS)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([_button(_("« All fields"), FieldAction.LIST)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def same_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[_button(_("Same as English"), FieldAction.SAME)]]
    )


def detail_text(field: FieldView, locale: str) -> str:
    lines = [
        _("<b>Field: {name}</b>").format(name=escape(field_name(field, locale))),
        f"{entity_names()[field.entity]} · {kind_names()[field.kind]}",
        _("Key for the HTTP API: {key}").format(key=f"<code>{field.key}</code>"),
    ]
    for code in SUPPORTED_LOCALES:
        lines.append(f"{LANGUAGES[code]}: {escape(field.names.get(code, ''))}")
    if field.choices:
        lines.append(_("Options:"))
        lines += [
            f"• {escape(stage_name(c.names, locale))} (<code>{c.key}</code>)"
            for c in field.choices
        ]
    if not field.active:
        lines.append(_("💤 Switched off: hidden everywhere; the values filled in are kept."))
    return "\n".join(lines)


def detail_keyboard(field: FieldView) -> InlineKeyboardMarkup:
    fid = field.field_id
    switch = _("💤 Switch off") if field.active else _("✅ Switch on")
    rows = [
        [_button(_("⬆️ Up"), FieldAction.UP, fid), _button(_("⬇️ Down"), FieldAction.DOWN, fid)],
        [
            _button(f"✏️ {LANGUAGES[code]}", FieldAction.RENAME, fid, i)
            for i, code in enumerate(SUPPORTED_LOCALES)
        ],
        [_button(switch, FieldAction.SWITCH, fid)],
        [_button(_("« All fields"), FieldAction.LIST)],
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def deal_fields_text(found: DealFields, reader: Reader) -> str:
    lines = [_("<b>Request #{number}: fields</b>").format(number=found.deal_id)]
    return "\n".join(lines + value_lines(found.fields, found.values, reader))


def value_lines(fields: list[FieldView], values: dict[int, Typed], reader: Reader) -> list[str]:
    """Each field with its value, or — for none."""
    if not fields:
        return [_("The owner has defined no fields yet (/fields).")]
    lines = []
    for field in fields:
        value = values.get(field.field_id)
        shown = (
            "—"
            if value is None
            else line_value(Shown(field, value), reader.locale, reader.currency)
        )
        lines.append(f"{escape(field_name(field, reader.locale))}: {shown}")
    return within(lines, SCREEN_ROOM)


def deal_fields_keyboard(
    found: DealFields, card: DealCard, reader: Reader
) -> InlineKeyboardMarkup:
    rows = [
        [value_button(field_name(f, reader.locale), ValueAction.PICK, found.deal_id, f.field_id)]
        for f in found.fields
    ]
    return InlineKeyboardMarkup(inline_keyboard=[*rows, back(card)])


def example(field: FieldView, locale: str, currency: str) -> str:
    if field.kind == MONEY:
        return str(format_decimal(Decimal("1500.50"), format="#,##0.00", locale=locale))
    if field.kind == NUMBER:
        return str(format_decimal(Decimal("1250.5"), locale=locale))
    if field.kind == DATE:
        return "31.12.2026"
    return _("a few words")


def picker_text(field: FieldView, value: Typed | None, deal_id: int, reader: Reader) -> str:
    name = escape(field_name(field, reader.locale))
    title = _("<b>Request #{number}: {name}</b>").format(number=deal_id, name=name)
    return "\n".join([title, *picker_lines(field, value, reader)])


def picker_lines(field: FieldView, value: Typed | None, reader: Reader) -> list[str]:
    """The value a field has, and how to change it."""
    now = "—" if value is None else value_text(Shown(field, value), reader.locale, reader.currency)
    lines = [_("Now: {value}").format(value=now)]
    if field.kind in (YES_NO, CHOICE):
        lines.append(_("Pick a value."))
    else:
        lines.append(
            _("Send the new value, like {example}. /cancel to stop.").format(
                example=escape(example(field, reader.locale, reader.currency))
            )
        )
    return lines


def picker_keyboard(
    field: FieldView, value: Typed | None, deal_id: int, reader: Reader
) -> InlineKeyboardMarkup:
    def make(text: str, action: ValueAction, arg: int) -> InlineKeyboardButton:
        fid = 0 if action == ValueAction.LIST else field.field_id
        return value_button(text, action, deal_id, fid, arg)

    return InlineKeyboardMarkup(inline_keyboard=picker_rows(field, value, reader, make))


# A picker's button: its text, what it does and its argument (yes/no, an option's index).
MakeButton = Callable[[str, ValueAction, int], InlineKeyboardButton]


def picker_rows(
    field: FieldView, value: Typed | None, reader: Reader, make: MakeButton
) -> list[list[InlineKeyboardButton]]:
    """Yes and no, or the options; then ✖ Clear (when filled) and « Fields."""
    rows = []
    if field.kind == YES_NO:
        rows.append([make(_("yes"), ValueAction.SET, 1), make(_("no"), ValueAction.SET, 0)])
    for index, option in enumerate(field.choices):
        mark = "✓ " if option.key == value else ""
        rows.append([make(mark + stage_name(option.names, reader.locale), ValueAction.SET, index)])
    bottom = [make(_("« Fields"), ValueAction.LIST, 0)]
    if value is not None:
        bottom.insert(0, make(_("✖ Clear"), ValueAction.CLEAR, 0))
    rows.append(bottom)
    return rows
