"""Stock held by requests, as people read it: a move beyond the stock asked about, the notice
of a hold beyond it, the warning under a request's items, and /stock's low products."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from presentation.callbacks import Number
from presentation.catalog import product_name
from presentation.deals.callbacks import CardAction
from presentation.deals.card import button
from presentation.units import measured
from services.shortages import BeyondStock, Shortage
from services.stock_levels import Level, LevelsPage


class StockCb(CallbackData, prefix="sk"):
    """A page of /stock."""

    page: Number = 0


# Products named at most, so that a message stays within Telegram's length.
SHOWN = 10


def shortage_lines(short: Sequence[Shortage], locale: str) -> list[str]:
    lines = [
        _("• {name}: needs {needed}, {available} available").format(
            name=product_name(s.names, locale),
            needed=measured(s.needed, s.unit, locale),
            available=measured(s.available, s.unit, locale),
        )
        for s in short[:SHOWN]
    ]
    if len(short) > SHOWN:
        more = len(short) - SHOWN
        lines.append(
            ngettext("• and {n} more product", "• and {n} more products", more).format(n=more)
        )
    return lines


def beyond_text(beyond: BeyondStock, locale: str) -> str:
    """The question a move beyond the stock asks of the person moving the request."""
    title = _("⚠️ <b>Not enough stock for request #{number}</b>").format(number=beyond.deal_id)
    question = _("Reserve it anyway?")
    return "\n".join([title, *shortage_lines(beyond.shortages, locale), "", question])


def beyond_keyboard(beyond: BeyondStock) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [button(beyond, _("📦 Reserve anyway"), CardAction.RESERVE, beyond.stage_id)],
            [button(beyond, _("✖ Cancel"), CardAction.CARD)],
        ]
    )


def notice_text(deal_id: int, by: str | None, short: Sequence[Shortage], locale: str) -> str:
    """To the owners and the request's manager: who held more than the stock, and of what."""
    if by is None:
        title = _("⚠️ A rule reserved more stock than is available for request #{number}:")
        title = title.format(number=deal_id)
    else:
        title = _("⚠️ {name} reserved more stock than is available for request #{number}:")
        title = title.format(name=escape(by), number=deal_id)
    return "\n".join([title, *shortage_lines(short, locale)])


def items_warning(short: Sequence[Shortage], locale: str) -> str:
    """Under a request's items once a change took them beyond the stock it holds."""
    title = _("⚠️ Not enough stock; reserved anyway:")
    return "\n".join([title, *shortage_lines(short, locale)])


def with_warning(text: str, short: Sequence[Shortage], locale: str) -> str:
    return f"{text}\n\n{items_warning(short, locale)}" if short else text


def _level_lines(level: Level, locale: str) -> list[str]:
    mark = "🔴" if level.out else "🟡"
    return [
        _("{mark} <b>{name}</b>: {available} available").format(
            mark=mark,
            name=product_name(level.names, locale),
            available=measured(level.available, level.unit, locale),
        ),
        _("   in stock {stock}, reserved {reserved}").format(
            stock=measured(level.stock, level.unit, locale),
            reserved=measured(level.reserved, level.unit, locale),
        ),
    ]


def levels_text(page: LevelsPage, locale: str) -> str:
    title = _("<b>Low stock</b>")
    if page.pages > 1:
        title += " " + _("(page {page} of {pages})").format(page=page.page + 1, pages=page.pages)
    if not page.levels:
        calm = _("Every product whose stock is counted has more than a fifth of it available.")
        return f"{title}\n{calm}"
    lines = [title]
    for level in page.levels:
        lines += _level_lines(level, locale)
    lines += ["", _("🔴 none available · 🟡 a fifth of the stock or less available")]
    return "\n".join(lines)


def levels_keyboard(page: LevelsPage) -> InlineKeyboardMarkup | None:
    arrows = []
    if page.page > 0:
        data = StockCb(page=page.page - 1).pack()
        arrows.append(InlineKeyboardButton(text=_("‹ Previous"), callback_data=data))
    if page.page + 1 < page.pages:
        data = StockCb(page=page.page + 1).pack()
        arrows.append(InlineKeyboardButton(text=_("Next ›"), callback_data=data))
    return InlineKeyboardMarkup(inline_keyboard=[arrows]) if arrows else None
