"""Moments time rules wait for: after working minutes, N days/hours from a date, repeats."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta

from services.assignment import WorkingHours
from services.moments import local_moment

_DAY = timedelta(days=1)


def after_working(since: datetime, minutes: int, hours: WorkingHours) -> datetime:
    """The moment `minutes` of working time have passed since `since` (opening time counts)."""
    left = timedelta(minutes=minutes)
    if not hours.schedule.days or left <= timedelta(0):
        return since + left
    cursor = since
    # A day at a time: most waits end on the day they start or the next working one.
    while True:
        until = cursor + _DAY
        for opens, closes in hours.schedule.intervals(cursor, until, hours.zone):
            # Only the part inside this day's window: the next window counts the rest.
            start, end = max(opens, cursor), min(closes, until)
            if end <= start:
                continue
            if end - start >= left:
                return start + left
            left -= end - start
        cursor = until


def from_day(day: date, days: int, hours_after: int, hours: WorkingHours) -> datetime:
    """`days` after (before, when negative) a date, at the opening of the working day, moved
    by `hours_after` hours: a date has no time of its own."""
    opening = time(hours.schedule.start // 60, hours.schedule.start % 60)
    return local_moment(day + timedelta(days=days), opening, hours.zone) + timedelta(
        hours=hours_after
    )


def add_months(moment: datetime, months: int, hours: WorkingHours) -> datetime:
    """The same local time `months` later, on the month's last day when it is shorter."""
    local = moment.astimezone(hours.zone)
    index = local.month - 1 + months
    year, month = local.year + index // 12, index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local_moment(date(year, month, day), local.timetz().replace(tzinfo=None), hours.zone)


def nth_repeat(
    moment: datetime, n: int, every_days: int, every_months: int, hours: WorkingHours
) -> datetime:
    """The `n`th repeat of a moment: the same local time `n` × the period later (days counted
    on the calendar, so a clock change keeps the hour; a month's end is its last day)."""
    if every_months:
        return add_months(moment, n * every_months, hours)
    local = moment.astimezone(hours.zone)
    day = local.date() + timedelta(days=n * every_days)
    return local_moment(day, local.timetz().replace(tzinfo=None), hours.zone)


def first_due(
    anchor: datetime, after: datetime, every_days: int, every_months: int, hours: WorkingHours
) -> datetime | None:
    """The first of the anchor and its repeats that is not before `after` (None: no repeat
    and the anchor is past). Missed repeats are skipped, not caught up one by one."""
    if anchor >= after:
        return anchor
    if not (every_days or every_months):
        return None
    span = after - anchor
    if every_months:
        guess = max(0, int(span.days // (every_months * 31)))
    else:
        guess = max(0, span.days // every_days)
    n = guess
    while (due := nth_repeat(anchor, n, every_days, every_months, hours)) < after:
        n += 1
    return due
