"""The owner's 📐 Measurements (the measure sets products are counted from) and ⚙️ Sales
settings (VAT included in prices, managers' discount limit), reached from /catalog."""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from presentation.catalog_admin import AdminAction, admin_button, catalog_button
from presentation.units import quantity_text, unit_name
from services.catalog import UNITS, MeasureSetView, name_in
from services.sales import Sales


def sets_text(sets: list[MeasureSetView], locale: str) -> str:
    lines = [
        _("<b>Measurements</b>"),
        _(
            "A product counted from measurements asks for them when it is added to a request, "
            "and its formula gives the quantity."
        ),
        "",
    ]
    if not sets:
        lines.append(_("None yet."))
    for found in sets:
        inputs = ", ".join(
            f"{escape(name_in(i.names, locale))} ({unit_name(i.unit, locale)}) "
            f"<code>{i.key}</code>"
            for i in found.inputs
        )
        lines.append(f"• <b>{escape(name_in(found.names, locale))}</b>: {inputs}")
    return "\n".join(lines)


def sets_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [admin_button(_("➕ Measurements"), AdminAction.NEW_SET)],
            [catalog_button()],
        ]
    )


def set_name_prompt() -> str:
    return _(
        "Send the name of the measurements in English, Azerbaijani and Russian, like "
        "Room / Otaq / Комната, or one name for all. /cancel to stop."
    )


def set_inputs_prompt() -> str:
    return _(
        "Send the measurements, one a line, each with its unit after a comma "
        "(metres if none is given), like:\n{example}\nUnits: {units}. /cancel to stop."
    ).format(example="Length / Uzunluq / Длина, m\nWidth / En / Ширина, m", units=", ".join(UNITS))


def set_added_text(added: MeasureSetView, locale: str) -> str:
    return _("Measurements «{name}» added.").format(name=escape(name_in(added.names, locale)))


def _percent(sales: Sales, locale: str) -> str:
    return f"{quantity_text(sales.manager_limit, locale)}%"


def sales_text(sales: Sales, locale: str) -> str:
    vat = (
        _("🧾 Prices include VAT.")
        if sales.vat_included
        else _("🧾 VAT is added on top of prices.")
    )
    kept = _(
        "The switch applies to items added from now on; requests that already have items keep "
        "counting VAT as they did."
    )
    limit = _(
        "🏷 A manager may give a discount of up to {limit} on their own; a larger one waits "
        "for the owner's approval."
    ).format(limit=_percent(sales, locale))
    return "\n".join([_("<b>Sales settings</b>"), vat, kept, limit])


def sales_keyboard(sales: Sales, locale: str) -> InlineKeyboardMarkup:
    vat = (
        _("🧾 VAT included in prices: on")
        if sales.vat_included
        else _("🧾 VAT included in prices: off")
    )
    limit = _("🏷 Managers' discount limit: {limit}").format(limit=_percent(sales, locale))
    return InlineKeyboardMarkup(
        inline_keyboard=[
            # What the press asks for, so a second press or an old screen asks the same.
            [admin_button(vat, AdminAction.VAT, 0 if sales.vat_included else 1)],
            [admin_button(limit, AdminAction.LIMIT)],
            [catalog_button()],
        ]
    )


def limit_prompt(sales: Sales, locale: str) -> str:
    return _(
        "Now: {limit}. Send the largest discount in percent a manager may give on their own, "
        "like 10. /cancel to stop."
    ).format(limit=_percent(sales, locale))


def vat_said(sales: Sales) -> str:
    if sales.vat_included:
        return _("Prices now include VAT.")
    return _("VAT is now added on top of prices.")


def limit_said(sales: Sales, locale: str) -> str:
    return _("Managers' discount limit: {limit}.").format(limit=_percent(sales, locale))
