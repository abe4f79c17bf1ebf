"""Headers and names of the exported spreadsheet, in the owner's language."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from aiogram.utils.i18n import gettext as _

from presentation.field_values import field_name, plain_value
from presentation.render import source_name, stage_name
from presentation.reports.format import reason
from presentation.units import unit_name
from services.catalog import name_in
from services.field_kinds import FieldView, Typed
from services.reports.export import Labels
from services.reports.export_sold import SoldLabels
from services.reports.queries import OTHER


def labels(locale: str) -> Labels:
    return Labels(
        deals_sheet=_("Requests"),
        people_sheet=_("Managers"),
        deal_headers=[
            _("Number"),
            _("Created"),
            _("Source"),
            _("Customer"),
            _("Phone"),
            _("Stage"),
            _("Amount"),
            _("Manager"),
            _("First response, min"),
            _("Closed"),
            _("Lost reason"),
        ],
        people_headers=[
            _("Manager"),
            _("Open requests"),
            _("Won"),
            _("Won amount"),
            _("Median first response, min"),
            _("Overdue tasks"),
            _("Ratings"),
            _("Average rating"),
        ],
        owners=_("👑 Owners"),
        source=source_name,
        stage=lambda names: stage_name(names, locale),
        reason=_lost_reason,
        field_name=lambda field: field_name(field, locale),
        field_value=lambda field, value: _field_value(field, value, locale),
        sold=sold_labels(locale),
    )


def sold_labels(locale: str) -> SoldLabels:
    return SoldLabels(
        items_sheet=_("Items"),
        sold_sheet=_("Sold"),
        item_headers=[
            _("Number"),
            _("Won on"),
            _("Manager"),
            _("Product code"),
            _("Product"),
            _("Category"),
            _("Quantity"),
            _("Unit"),
            _("Price"),
            _("Discount"),
            _("VAT"),
            _("Amount"),
        ],
        sold_headers=[
            _("Manager"),
            _("Ranking"),
            _("Rank"),
            _("Name"),
            _("Product code"),
            _("Quantity"),
            _("Unit"),
            _("Amount"),
        ],
        everyone=_("Everyone"),
        product=_("Products"),
        category=_("Categories"),
        product_name=lambda names: name_in(names, locale),
        category_name=lambda names: _category(names, locale),
        unit=lambda unit: unit_name(unit, locale),
    )


def _category(names: Mapping[str, str] | None, locale: str) -> str:
    return _("no category") if names is None else name_in(names, locale)


def _field_value(field: FieldView, value: Typed, locale: str) -> object:
    if isinstance(value, Decimal | date) and not isinstance(value, bool):
        return value
    # The currency is the column's, so it is not needed to write yes/no or an option.
    return plain_value(field, value, locale, "")


def _lost_reason(stored: str | None) -> str:
    if stored is None:
        return ""
    if stored.startswith(f"{OTHER}:"):
        return stored.removeprefix(f"{OTHER}:")
    return reason(stored)
