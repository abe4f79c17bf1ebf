"""Headers and names of the exported spreadsheet, in the owner's language."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from presentation.render import source_name, stage_name
from presentation.reports.format import reason
from services.reports.export import Labels
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
        ],
        source=source_name,
        stage=lambda names: stage_name(names, locale),
        reason=_lost_reason,
    )


def _lost_reason(stored: str | None) -> str:
    if stored is None:
        return ""
    if stored.startswith(f"{OTHER}:"):
        return stored.removeprefix(f"{OTHER}:")
    return reason(stored)
