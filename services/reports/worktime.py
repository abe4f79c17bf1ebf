"""Working hours: the weekly schedule the response SLA is measured in.

Definition: a schedule is a set of weekdays and one local time range [start, end) on each of
them (company time zone; end may be 24:00; no ranges across midnight). The working time between
two instants is the length of the part of [a, b) that falls inside those ranges. A request that
arrives on Friday at 17:55 with a 15-minute SLA is therefore late only after Monday 09:10; one
that arrives on Saturday, after Monday 09:15. Opening time counts as working, closing time not."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.errors import ErrorCode, InvalidInput

DAY_MINUTES = 24 * 60
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"^(\d{1,2})[:.](\d{2})\s*[-–—]\s*(\d{1,2})[:.](\d{2})$")


@dataclass(frozen=True)
class Schedule:
    days: frozenset[int]  # 0 is Monday
    start: int  # minutes after local midnight
    end: int

    def __post_init__(self) -> None:
        if not (0 <= self.start < self.end <= DAY_MINUTES) or not self.days <= set(range(7)):
            raise InvalidInput(ErrorCode.WORKING_HOURS)

    @property
    def mask(self) -> int:
        return sum(1 << day for day in self.days)

    @classmethod
    def from_mask(cls, mask: int, start: int, end: int) -> Schedule:
        return cls(frozenset(day for day in range(7) if mask >> day & 1), start, end)

    def intervals(
        self, since: datetime, until: datetime, zone: ZoneInfo
    ) -> list[tuple[datetime, datetime]]:
        """The working ranges (UTC) that overlap [since, until], in order."""
        out: list[tuple[datetime, datetime]] = []
        day = since.astimezone(zone).date() - timedelta(days=1)
        last = until.astimezone(zone).date()
        while day <= last:
            if day.weekday() in self.days:
                opens, closes = _at(day, self.start, zone), _at(day, self.end, zone)
                if closes > since and opens < until:
                    out.append((opens, closes))
            day += timedelta(days=1)
        return out

    def working_seconds(self, a: datetime, b: datetime, zone: ZoneInfo) -> float:
        if b <= a:
            return 0.0
        return sum(
            (min(b, closes) - max(a, opens)).total_seconds()
            for opens, closes in self.intervals(a, b, zone)
            if min(b, closes) > max(a, opens)
        )


def _at(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    # Aware arithmetic is wall-clock: 09:00 stays 09:00 local on a day the clocks change.
    return (datetime.combine(day, time(), tzinfo=zone) + timedelta(minutes=minutes)).astimezone(
        UTC
    )


def parse_hours(text: str) -> tuple[int, int]:
    """ "09:00-18:00" → minutes after midnight; 24:00 is accepted as the end."""
    match = _HOURS.match(text.strip())
    if not match:
        raise InvalidInput(ErrorCode.WORKING_HOURS)
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    if m1 > 59 or m2 > 59 or h1 > 23 or h2 > 24 or (h2 == 24 and m2):
        raise InvalidInput(ErrorCode.WORKING_HOURS)
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start >= end:
        raise InvalidInput(ErrorCode.WORKING_HOURS)
    return start, end


def parse_days(text: str) -> frozenset[int]:
    """ "mon-fri", "mon-fri,sat" or ISO numbers "1-5" (1 is Monday)."""
    days: set[int] = set()
    for item in text.lower().replace(" ", "").split(","):
        ends = [_day(part) for part in item.split("-")]
        if len(ends) == 1:
            days.add(ends[0])
        elif len(ends) == 2 and ends[0] <= ends[1]:
            days.update(range(ends[0], ends[1] + 1))
        else:
            raise InvalidInput(ErrorCode.WORKING_HOURS)
    return frozenset(days)


def _day(name: str) -> int:
    if name in WEEKDAYS:
        return WEEKDAYS.index(name)
    if name.isdigit() and 1 <= int(name) <= 7:
        return int(name) - 1
    raise InvalidInput(ErrorCode.WORKING_HOURS)


def parse_schedule(text: str) -> Schedule:
    """The WORKING_HOURS setting: "mon-fri 09:00-18:00"."""
    parts = text.strip().split(None, 1)
    if len(parts) != 2:
        raise InvalidInput(ErrorCode.WORKING_HOURS)
    start, end = parse_hours(parts[1])
    return Schedule(parse_days(parts[0]), start, end)


def parse_clock(text: str) -> int:
    """ "09:00" or "9.30" → minutes after midnight."""
    match = re.match(r"^(\d{1,2})[:.](\d{2})$", text.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise InvalidInput(ErrorCode.CLOCK)
    return int(match.group(1)) * 60 + int(match.group(2))
