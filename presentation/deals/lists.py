"""/deals and /find: deal rows as text, one button per row that opens the card."""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from presentation.deals.callbacks import DealListCb, DealOpenCb, ListAction
from presentation.deals.card import Reader, ago, money
from presentation.field_values import field_lines
from presentation.render import stage_name
from services.deal_search import DealList, DealRow, Found
from services.phones import display_phone
from services.stages import StageView

BUTTON_NAME = 24


def row_line(row: DealRow, reader: Reader, with_phone: bool = False) -> str:
    parts = [f"#{row.deal_id}", escape(row.customer_name or "—")]
    if with_phone and row.phone:
        parts.append(display_phone(row.phone))
    parts.append(escape(stage_name(row.stage_names, reader.locale)))
    if row.amount is not None:
        parts.append(money(row.amount, reader))
    if reader.is_owner and row.manager_name:
        parts.append(escape(row.manager_name))
    parts.append(ago(row.last_activity_at, reader))
    return " · ".join(parts)


def _open_buttons(rows: list[DealRow]) -> list[list[InlineKeyboardButton]]:
    buttons = []
    for row in rows:
        name = row.customer_name or "—"
        if len(name) > BUTTON_NAME:
            name = name[: BUTTON_NAME - 1] + "…"
        data = DealOpenCb(deal_id=row.deal_id).pack()
        buttons.append(InlineKeyboardButton(text=f"#{row.deal_id} · {name}", callback_data=data))
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def list_text(deals: DealList, reader: Reader) -> str:
    if deals.everyone:
        title = _("<b>Open requests: {n}</b>").format(n=deals.total)
    else:
        title = _("<b>Your open requests: {n}</b>").format(n=deals.total)
    lines = [title]
    if deals.pages > 1:
        lines.append(_("Page {page} of {pages}").format(page=deals.page + 1, pages=deals.pages))
    if deals.stage is not None:
        name = escape(stage_name(deals.stage.names, reader.locale))
        lines.append(_("Stage: {stage}").format(stage=name))
    if deals.idle:
        lines.append(_("Only requests with no activity for 3 days or more"))
    if not deals.rows:
        lines.append(_("Nothing here."))
    lines += [row_line(row, reader) for row in deals.rows]
    return "\n".join(lines)


def _list_cb(
    deals: DealList, page: int, stage_id: int | None = None, idle: bool | None = None
) -> str:
    """The same list at another page or with one filter changed."""
    if stage_id is None:
        stage_id = deals.stage.id if deals.stage else 0
    return DealListCb(
        action=ListAction.PAGE,
        page=page,
        stage_id=stage_id,
        idle=deals.idle if idle is None else idle,
    ).pack()


def list_keyboard(deals: DealList, reader: Reader) -> InlineKeyboardMarkup:
    rows = _open_buttons(deals.rows)
    arrows = []
    if deals.page > 0:
        arrows.append(
            InlineKeyboardButton(text="‹", callback_data=_list_cb(deals, deals.page - 1))
        )
    if deals.page + 1 < deals.pages:
        arrows.append(
            InlineKeyboardButton(text="›", callback_data=_list_cb(deals, deals.page + 1))
        )
    if arrows:
        rows.append(arrows)
    if deals.stage is not None:
        stage_label = f"📍 {stage_name(deals.stage.names, reader.locale)}"
    else:
        stage_label = _("📍 All stages")
    pick = DealListCb(
        action=ListAction.STAGES,
        page=0,
        stage_id=deals.stage.id if deals.stage else 0,
        idle=deals.idle,
    ).pack()
    idle_label = _("💤 No activity 3+ days")
    rows.append(
        [
            InlineKeyboardButton(text=stage_label, callback_data=pick),
            InlineKeyboardButton(
                text=("✓ " if deals.idle else "") + idle_label,
                callback_data=_list_cb(deals, 0, idle=not deals.idle),
            ),
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def stage_filter(
    current: int, idle: bool, stages: list[StageView], locale: str
) -> InlineKeyboardMarkup:
    options = [(0, _("All stages")), *((s.id, stage_name(s.names, locale)) for s in stages)]
    rows = [
        [
            InlineKeyboardButton(
                text=("✓ " if stage_id == current else "") + name,
                callback_data=DealListCb(
                    action=ListAction.PAGE, page=0, stage_id=stage_id, idle=idle
                ).pack(),
            )
        ]
        for stage_id, name in options
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def found_text(found: Found, query: str, reader: Reader) -> str:
    if not found.rows:
        return _("Nothing found for “{query}”.").format(query=escape(query))
    lines = [_("<b>Found for “{query}”:</b>").format(query=escape(query))]
    for row in found.rows:
        lines.append(row_line(row, reader, with_phone=True))
        lines += [f"   {line}" for line in field_lines(row.fields, reader.locale, reader.currency)]
    if found.more:
        lines.append(
            _("Only the first {n} are shown; add more to the search.").format(n=len(found.rows))
        )
    return "\n".join(lines)


def found_keyboard(found: Found) -> InlineKeyboardMarkup | None:
    rows = _open_buttons(found.rows)
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
