"""Units of measure as people read them, in their language: "3 pcs", "12,5 м²"."""

from __future__ import annotations

from decimal import Decimal

from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from babel.numbers import format_decimal


def _names() -> dict[str, str]:
    # The short forms written after a quantity (services.catalog.UNITS).
    return {
        "piece": _("pcs"),
        "m": _("m"),
        "m2": _("m²"),
        "m3": _("m³"),
        "kg": _("kg"),
        "l": _("l"),
        "h": _("h"),
        "set": _("set"),
    }


def unit_name(unit: str, locale: str) -> str:
    """A unit's short name in `locale`; a unit not known here is shown as stored."""
    with get_i18n().use_locale(locale):
        names = _names()
    return names.get(unit, unit)


def quantity_text(value: Decimal, locale: str) -> str:
    """A quantity without trailing zeros, in the reader's digits: "2.5", "1,000"."""
    return str(format_decimal(value.normalize(), locale=locale))


def measured(value: Decimal, unit: str, locale: str) -> str:
    """A quantity with its unit: "3 pcs", "12,5 м²"."""
    return f"{quantity_text(value, locale)} {unit_name(unit, locale)}"
