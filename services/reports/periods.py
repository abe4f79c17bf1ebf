"""Report periods: whole days of the company's calendar, turned into UTC instants.

A period is a span (one day, seven days, thirty days or a calendar month) starting on a local
day. A period still running ends now; the previous period for comparison covers the same
stretch of time one span earlier, so "today until 11:00" is compared with "yesterday until
11:00", not with the whole of yesterday."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class Span(StrEnum):
    DAY = "1"
    WEEK = "7"
    DAYS_30 = "30"
    MONTH = "m"


class Choice(StrEnum):
    """What the owner picks in /report and /export, resolved when they pick it."""

    TODAY = "t"
    YESTERDAY = "y"
    LAST_7 = "7"
    LAST_30 = "30"
    THIS_MONTH = "m"
    PREVIOUS_MONTH = "pm"


_DAYS = {Span.DAY: 1, Span.WEEK: 7, Span.DAYS_30: 30}


@dataclass(frozen=True)
class Period:
    span: Span
    first: date
    start: datetime
    end: datetime
    zone: ZoneInfo

    @property
    def last(self) -> date:
        """The last local day the period touches (its first day when it is empty)."""
        if self.end <= self.start:
            return self.first
        return (self.end - timedelta(microseconds=1)).astimezone(self.zone).date()

    @property
    def days(self) -> list[date]:
        count = (self.last - self.first).days + 1
        return [self.first + timedelta(days=n) for n in range(count)]

    def day_starts(self) -> list[datetime]:
        """Where each local day of the period begins, in UTC, for per-day counts."""
        return [midnight(day, self.zone) for day in self.days]

    @property
    def key(self) -> int:
        """The first day as yyyymmdd: short enough for callback data."""
        return self.first.year * 10000 + self.first.month * 100 + self.first.day


def midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def after_last_day(span: Span, first: date) -> date:
    if span is Span.MONTH:
        return add_months(first, 1)
    return first + timedelta(days=_DAYS[span])


def add_months(day: date, months: int) -> date:
    """The same day of another month, clamped to that month's length (31 Mar - 1 → 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def period(span: Span, first: date, zone: ZoneInfo, now: datetime) -> Period:
    start = midnight(first, zone)
    end = min(midnight(after_last_day(span, first), zone), now)
    return Period(span, first, start, max(start, end), zone)


def from_key(span: Span, key: int, zone: ZoneInfo, now: datetime) -> Period:
    first = date(key // 10000, key // 100 % 100, key % 100)
    return period(span, first, zone, now)


def choose(choice: Choice, zone: ZoneInfo, now: datetime) -> Period:
    today = now.astimezone(zone).date()
    starts = {
        Choice.TODAY: (Span.DAY, today),
        Choice.YESTERDAY: (Span.DAY, today - timedelta(days=1)),
        Choice.LAST_7: (Span.WEEK, today - timedelta(days=6)),
        Choice.LAST_30: (Span.DAYS_30, today - timedelta(days=29)),
        Choice.THIS_MONTH: (Span.MONTH, today.replace(day=1)),
        Choice.PREVIOUS_MONTH: (Span.MONTH, add_months(today.replace(day=1), -1)),
    }
    span, first = starts[choice]
    return period(span, first, zone, now)


def _back(span: Span, moment: datetime, zone: ZoneInfo) -> datetime:
    """The same local wall-clock moment one span earlier."""
    local = moment.astimezone(zone)
    if span is Span.MONTH:
        day = add_months(local.date(), -1)
    else:
        day = local.date() - timedelta(days=_DAYS[span])
    return datetime.combine(day, local.time(), tzinfo=zone).astimezone(UTC)


def previous(current: Period) -> Period:
    span, zone = current.span, current.zone
    if span is Span.MONTH:
        first = add_months(current.first, -1)
    else:
        first = current.first - timedelta(days=_DAYS[span])
    start = midnight(first, zone)
    natural_end = midnight(current.first, zone)
    running = current.end < midnight(after_last_day(span, current.first), zone)
    end = min(_back(span, current.end, zone), natural_end) if running else natural_end
    return Period(span, first, start, max(start, end), zone)


def digest_periods(local_today: date) -> dict[Span, date]:
    """What the digests sent today cover: yesterday, and the previous Monday-to-Sunday week."""
    this_monday = local_today - timedelta(days=local_today.weekday())
    return {
        Span.DAY: local_today - timedelta(days=1),
        Span.WEEK: this_monday - timedelta(days=7),
    }
