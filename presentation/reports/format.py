"""Numbers, durations, periods and schedules of the reports, in the reader's locale."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from aiogram.utils.i18n import gettext as _
from babel.dates import format_interval, format_skeleton, get_day_names
from babel.numbers import format_currency, format_decimal, format_percent
from babel.units import format_unit

from presentation.deals.card import reason_names
from services.reports.periods import Period
from services.reports.queries import OTHER
from services.reports.worktime import DAY_MINUTES, Schedule


def number(n: int, locale: str) -> str:
    return str(format_decimal(n, locale=locale))


def rating(average: Decimal, locale: str) -> str:
    """An average rating with one decimal: 4.5, 4,5."""
    return str(format_decimal(average, format="0.0", locale=locale))


def signed(n: int, locale: str) -> str:
    """A change against the period before: +3, −2 or ±0."""
    if n == 0:
        return "±0"
    return ("+" if n > 0 else "−") + number(abs(n), locale)


def money(amount: Decimal, currency: str, locale: str) -> str:
    return str(format_currency(amount, currency, locale=locale))


def percent(share: float, locale: str) -> str:
    return str(format_percent(share, locale=locale))


def duration(seconds: float, locale: str) -> str:
    """At most two units: "25 min", "7 hr 50 min", "2 days 15 hr"."""
    minutes = round(seconds / 60)
    if minutes < 1:
        return _("under a minute")
    days, rest = divmod(minutes, DAY_MINUTES)
    hours, minutes = divmod(rest, 60)
    parts = [
        (days, "duration-day"),
        (hours, "duration-hour"),
        (minutes, "duration-minute"),
    ]
    first = next(index for index, (value, _unit) in enumerate(parts) if value)
    shown = [(v, u) for v, u in parts[first : first + 2] if v]
    return " ".join(str(format_unit(v, u, length="short", locale=locale)) for v, u in shown)


def period_title(period: Period, locale: str) -> str:
    if period.first == period.last:
        return str(format_skeleton("yMMMMEd", period.first, locale=locale))
    return str(format_interval(period.first, period.last, "yMMMd", locale=locale))


def clock(minutes: int, locale: str) -> str:
    if minutes >= DAY_MINUTES:
        return "24:00"
    return str(format_skeleton("Hm", time(minutes // 60, minutes % 60), locale=locale))


def day_name(day: int, locale: str) -> str:
    return str(get_day_names("abbreviated", locale=locale)[day])


def schedule_text(schedule: Schedule, locale: str) -> str:
    """ "Mon–Fri, 09:00–18:00": runs of days joined, then the hours."""
    if not schedule.days:
        return _("no working days")
    runs: list[list[int]] = []
    for day in sorted(schedule.days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    days = ", ".join(
        day_name(run[0], locale)
        if len(run) == 1
        else f"{day_name(run[0], locale)}–{day_name(run[-1], locale)}"
        for run in runs
    )
    hours = f"{clock(schedule.start, locale)}–{clock(schedule.end, locale)}"
    return f"{days}, {hours}"


def reason(stored: str | None) -> str:
    """A lost reason as counted in reports: every "other: their words" is one "other"."""
    if stored is None:
        return _("no reason given")
    if stored == OTHER:
        return _("other")
    return reason_names().get(stored, stored)
