"""/customers, a page of customers with their filters, and what /customer found."""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from presentation.customers.callbacks import CustomerListCb, ListAction
from presentation.customers.card import open_button
from presentation.deals.card import Reader, ago
from presentation.render import source_name
from services.customer_search import SOURCES, Activity, CustomerList, CustomerRow, Filters, Found
from services.phones import display_phone

BUTTON_NAME = 24


def activity_name(activity: Activity) -> str:
    return {
        Activity.ANY: _("Any activity"),
        Activity.WEEK: _("Active within 7 days"),
        Activity.MONTH: _("Active within 30 days"),
        Activity.IDLE: _("No activity for 30+ days"),
    }[activity]


def row_line(row: CustomerRow, reader: Reader) -> str:
    parts = [escape(row.name or "—")]
    if row.phone:
        parts.append(display_phone(row.phone))
    if row.company:
        parts.append(escape(row.company))
    parts.append(ngettext("{n} request", "{n} requests", row.deals).format(n=row.deals))
    parts.append(ago(row.last_activity_at, reader))
    return " · ".join(parts)


def _open_buttons(rows: list[CustomerRow]) -> list[list[InlineKeyboardButton]]:
    buttons = []
    for row in rows:
        name = row.name or (display_phone(row.phone) if row.phone else "—")
        if len(name) > BUTTON_NAME:
            name = name[: BUTTON_NAME - 1] + "…"
        buttons.append(open_button(row.customer_id, f"👤 {name}"))
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def found_text(found: Found, query: str, reader: Reader) -> str:
    if not found.rows:
        return _("No customers found for “{query}”.").format(query=escape(query))
    lines = [_("<b>Customers found for “{query}”:</b>").format(query=escape(query))]
    lines += [row_line(row, reader) for row in found.rows]
    if found.more:
        lines.append(
            _("Only the first {n} are shown; add more to the search.").format(n=len(found.rows))
        )
    return "\n".join(lines)


def found_keyboard(found: Found) -> InlineKeyboardMarkup | None:
    rows = _open_buttons(found.rows)
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def list_text(shown: CustomerList, reader: Reader) -> str:
    lines = [_("<b>Customers: {n}</b>").format(n=shown.total)]
    filters = shown.filters
    if filters.search:
        lines.append(_("Search: “{query}”").format(query=escape(filters.search)))
    if shown.tag is not None:
        lines.append(_("Tag: {tag}").format(tag=escape(shown.tag)))
    if filters.source:
        lines.append(_("Source: {source}").format(source=source_name(SOURCES[filters.source - 1])))
    if filters.activity != Activity.ANY:
        lines.append(activity_name(Activity(filters.activity)))
    if shown.pages > 1:
        lines.append(_("Page {page} of {pages}").format(page=shown.page + 1, pages=shown.pages))
    if not shown.rows:
        lines.append(_("Nothing here."))
    lines += [row_line(row, reader) for row in shown.rows]
    if not filters.search:
        lines.append(_("To search, send /customers with a part of a name or phone."))
    return "\n".join(lines)


def list_cb(filters: Filters, page: int, action: ListAction, **changed: int) -> str:
    """The list at `page`, with the filters given in `changed` (tag, source, activity)."""
    values = {"tag": filters.tag_id, "source": filters.source, "activity": int(filters.activity)}
    values.update(changed)
    return CustomerListCb(action=action, page=page, search=filters.search, **values).pack()


def list_keyboard(shown: CustomerList) -> InlineKeyboardMarkup:
    filters = shown.filters
    rows = _open_buttons(shown.rows)
    arrows = []
    if shown.page > 0:
        arrows.append(
            InlineKeyboardButton(
                text="‹", callback_data=list_cb(filters, shown.page - 1, ListAction.PAGE)
            )
        )
    if shown.page + 1 < shown.pages:
        arrows.append(
            InlineKeyboardButton(
                text="›", callback_data=list_cb(filters, shown.page + 1, ListAction.PAGE)
            )
        )
    if arrows:
        rows.append(arrows)
    tag = f"🏷 {shown.tag}" if shown.tag is not None else _("🏷 All tags")
    source = (
        f"📥 {source_name(SOURCES[filters.source - 1])}" if filters.source else _("📥 All sources")
    )
    rows.append(
        [
            InlineKeyboardButton(text=tag, callback_data=list_cb(filters, 0, ListAction.TAGS)),
            InlineKeyboardButton(
                text=source, callback_data=list_cb(filters, 0, ListAction.SOURCES)
            ),
        ]
    )
    rows.append(
        [
            InlineKeyboardButton(
                text=f"🕒 {activity_name(Activity(filters.activity))}",
                callback_data=list_cb(filters, 0, ListAction.ACTIVITY),
            )
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _choice(
    filters: Filters, text: str, picked: bool, **changed: int
) -> list[InlineKeyboardButton]:
    data = list_cb(filters, 0, ListAction.PAGE, **changed)
    return [InlineKeyboardButton(text=("✓ " if picked else "") + text, callback_data=data)]


def tag_filter(filters: Filters, tags: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    rows = [_choice(filters, _("All tags"), not filters.tag_id, tag=0)]
    rows += [_choice(filters, name, filters.tag_id == tag_id, tag=tag_id) for tag_id, name in tags]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def source_filter(filters: Filters) -> InlineKeyboardMarkup:
    rows = [_choice(filters, _("All sources"), not filters.source, source=0)]
    rows += [
        _choice(filters, source_name(name), filters.source == index, source=index)
        for index, name in enumerate(SOURCES, start=1)
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def activity_filter(filters: Filters) -> InlineKeyboardMarkup:
    rows = [
        _choice(filters, activity_name(activity), filters.activity == activity, activity=activity)
        for activity in Activity
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)
