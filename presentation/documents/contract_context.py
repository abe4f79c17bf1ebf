"""A kept contract's content as its Word template reads it: every value a plain string in the
document's language (money, quantities and dates formatted with Babel), the items a list."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from presentation.render import stage_name
from presentation.units import quantity_text, unit_name
from services.db.documents import Document
from services.field_kinds import CHOICE, DATE, MONEY, NUMBER, YES_NO


def contract_context(document: Document) -> dict[str, Any]:
    with get_i18n().use_locale(document.locale):
        return _context(document)


def _context(document: Document) -> dict[str, Any]:
    data: dict[str, Any] = document.content
    locale, currency = document.locale, data["currency"]

    def money(value: str) -> str:
        return str(format_currency(Decimal(value), currency, locale=locale))

    totals = data["totals"]
    made_on = format_date(date.fromisoformat(data["made_on"]), "long", locale=locale)
    return {
        "customer": data["customer"],
        "company": data["company"],
        "deal": {
            "number": document.number,
            "title": data["title"],
            "total": money(totals["total"]),
            "subtotal": money(totals["subtotal"]),
            "discount": money(totals["discounts"]),
            "vat": money(totals["vat"]),
            "date": made_on,
            "manager": data["manager"],
            "stage": stage_name(data["stage"], locale),
        },
        "fields": {key: _field(shown, locale, currency) for key, shown in data["fields"].items()},
        "items": [
            {
                "position": str(index),
                "name": line["name"],
                "code": line["code"],
                "quantity": quantity_text(Decimal(line["quantity"]), locale),
                "unit": unit_name(line["unit"], locale),
                "price": money(line["price"]),
                "discount": money(line["discount"]) if Decimal(line["discount"]) else "",
                "amount": money(line["amount"]),
            }
            for index, line in enumerate(data["lines"], start=1)
        ],
        "today": made_on,
    }


def _field(shown: dict[str, Any], locale: str, currency: str) -> str:
    kind, value = shown["kind"], shown["value"]
    if kind == YES_NO:
        return _("yes") if value else _("no")
    if kind == MONEY:
        return str(format_currency(Decimal(value), currency, locale=locale))
    if kind == NUMBER:
        return str(format_decimal(Decimal(value), locale=locale))
    if kind == DATE:
        return str(format_date(date.fromisoformat(value), "medium", locale=locale))
    if kind == CHOICE:
        names = shown["choices"].get(value)
        return stage_name(names, locale) if names else str(value)
    return str(value)
