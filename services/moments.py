"""Moments people type or pick, read in the company time zone.

Local dates and times become UTC through zoneinfo, so reminders keep their wall-clock time
across daylight-saving changes: a time that does not exist (the hour skipped in spring) is
moved forward by the gap, and a time that happens twice (autumn) means its first occurrence."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from services.errors import ErrorCode, InvalidInput

MORNING = time(10, 0)
TODAY_WORDS = ("today", "bu gün", "bugün", "сегодня")
TOMORROW_WORDS = ("tomorrow", "sabah", "завтра")

_CLOCK = r"(?P<hour>\d{1,2}):(?P<minute>\d{2})"
_FORMS = (
    re.compile(rf"^(?P<year>\d{{4}})-(?P<month>\d{{1,2}})-(?P<day>\d{{1,2}})(?:\s+{_CLOCK})?$"),
    re.compile(
        rf"^(?P<day>\d{{1,2}})[./](?P<month>\d{{1,2}})(?:[./](?P<year>\d{{2}}|\d{{4}}))?"
        rf"(?:\s+{_CLOCK})?$"
    ),
    re.compile(rf"^(?P<word>[^\d]+?)?\s*{_CLOCK}$"),
)


class Preset(StrEnum):
    HOUR = "h1"
    THREE_HOURS = "h3"
    TOMORROW = "tm"
    NEXT_MONDAY = "mo"
    FIFTEEN_MINUTES = "m15"


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time on a local day (see the module note on DST)."""
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=zone, fold=0)
    # Through UTC and back: a skipped time comes back as the real time it stands for.
    return aware.astimezone(UTC)


def local_today(now: datetime, zone: ZoneInfo) -> date:
    return now.astimezone(zone).date()


def preset_moment(preset: Preset, now: datetime, zone: ZoneInfo) -> datetime:
    if preset == Preset.FIFTEEN_MINUTES:
        return now + timedelta(minutes=15)
    if preset == Preset.HOUR:
        return now + timedelta(hours=1)
    if preset == Preset.THREE_HOURS:
        return now + timedelta(hours=3)
    today = local_today(now, zone)
    if preset == Preset.TOMORROW:
        return local_moment(today + timedelta(days=1), MORNING, zone)
    # Next Monday: a Monday is never "next Monday" on itself.
    days = 7 - today.weekday()
    return local_moment(today + timedelta(days=days), MORNING, zone)


def parse_moment(text: str, now: datetime, zone: ZoneInfo) -> datetime:
    """Read "25.12 15:00", "25.12.2026 15:00", "2026-12-25 15:00", "15:00" (today, or
    tomorrow when that has passed), "tomorrow 10:00" (and "sabah", "завтра"); a date alone
    means 10:00. Raises InvalidInput(ErrorCode.MOMENT) or, for the past, ErrorCode.MOMENT_PAST."""
    words = " ".join(text.lower().split())
    today = local_today(now, zone)
    for form in _FORMS:
        match = form.match(words)
        if match is None:
            continue
        parts = match.groupdict()
        at = _clock(parts.get("hour"), parts.get("minute"))
        if "word" in parts:
            moment = _word_day(parts["word"], at, today, now, zone)
        else:
            moment = _dated(parts, at, today, zone)
        if moment <= now:
            raise InvalidInput(ErrorCode.MOMENT_PAST)
        return moment
    raise InvalidInput(ErrorCode.MOMENT)


def _clock(hour: str | None, minute: str | None) -> time:
    if hour is None or minute is None:
        return MORNING
    if int(hour) > 23 or int(minute) > 59:
        raise InvalidInput(ErrorCode.MOMENT)
    return time(int(hour), int(minute))


def _word_day(word: str | None, at: time, today: date, now: datetime, zone: ZoneInfo) -> datetime:
    word = (word or "").strip()
    if word in TOMORROW_WORDS:
        return local_moment(today + timedelta(days=1), at, zone)
    if word and word not in TODAY_WORDS:
        raise InvalidInput(ErrorCode.MOMENT)
    moment = local_moment(today, at, zone)
    if not word and moment <= now:
        moment = local_moment(today + timedelta(days=1), at, zone)
    return moment


def _dated(parts: dict[str, str | None], at: time, today: date, zone: ZoneInfo) -> datetime:
    year_text = parts.get("year")
    try:
        month, day = int(parts["month"] or 0), int(parts["day"] or 0)
        if year_text is None:
            year = today.year
            if date(year, month, day) < today:
                year += 1
        else:
            year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        return local_moment(date(year, month, day), at, zone)
    except (ValueError, OverflowError) as exc:
        # A day that does not exist, or a moment beyond the years Python counts in UTC.
        raise InvalidInput(ErrorCode.MOMENT) from exc
