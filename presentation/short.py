"""Cards a thumb can use: the few buttons that fit first, the rest behind ⋯ More, which shows
them with ‹ Back to the few."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

Button = InlineKeyboardButton
PER_ROW = 2


def more_label() -> str:
    return _("⋯ More")


def back_label() -> str:
    return _("‹ Back")


def in_rows(buttons: Sequence[Button]) -> list[list[Button]]:
    return [list(buttons[i : i + PER_ROW]) for i in range(0, len(buttons), PER_ROW)]


def first_keyboard(shown: Sequence[Button], more: Button | None) -> InlineKeyboardMarkup:
    """The few buttons two a row, ⋯ More in the last row's free place (or a row of its own);
    no More when nothing is behind it."""
    rows = in_rows(shown)
    if more is not None:
        if rows and len(rows[-1]) < PER_ROW:
            rows[-1].append(more)
        else:
            rows.append([more])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def more_keyboard(others: Sequence[Button], back: Button) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[*in_rows(others), [back]])
