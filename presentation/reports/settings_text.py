"""The owner's report settings as shown in /settings."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from presentation.reports.format import clock, duration, schedule_text
from services.reports.settings import OwnerSettings


def settings_text(chosen: OwnerSettings, locale: str) -> str:
    on, off = _("on"), _("off")
    return "\n".join(
        [
            _("<b>⚙️ Reports</b>"),
            _("Daily digest (for the day before): {state}").format(
                state=on if chosen.daily else off
            ),
            _("Weekly digest (Mondays, for the week before): {state}").format(
                state=on if chosen.weekly else off
            ),
            _("Digests arrive at {time}").format(time=clock(chosen.digest_at, locale)),
            _("Response SLA: {time} of working hours").format(
                time=duration(chosen.sla.length.total_seconds(), locale)
            ),
            _("Working hours: {hours}").format(hours=schedule_text(chosen.schedule, locale)),
        ]
    )
