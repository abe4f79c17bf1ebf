"""Working hours: what counts toward the response SLA, in Python and in SQL alike."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Float, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import InvalidInput
from services.reports.sql import working_clock
from services.reports.worktime import (
    Schedule,
    parse_clock,
    parse_days,
    parse_hours,
    parse_schedule,
)

BAKU = ZoneInfo("Asia/Baku")
BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = parse_schedule("mon-fri 09:00-18:00")
MIN = 60.0


def baku(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in March 2026, Baku time (2 Mar is a Monday, 6 Mar a Friday)."""
    return datetime(2026, 3, day, hour, minute, tzinfo=BAKU)


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        (baku(2, 10), baku(2, 10, 15), 15),  # inside: wall time
        (baku(2, 9), baku(2, 9, 15), 15),  # opening time counts
        (baku(2, 8, 30), baku(2, 9, 10), 10),  # before opening: from 09:00
        (baku(2, 17, 55), baku(2, 18, 30), 5),  # closing time does not count
        (baku(2, 18), baku(2, 23), 0),  # evening
        (baku(6, 17, 55), baku(9, 9, 10), 15),  # Friday 17:55 → Monday 09:10
        (baku(7, 12), baku(9, 9, 15), 15),  # Saturday → Monday 09:15
        (baku(7, 12), baku(8, 20), 0),  # weekend only
        (baku(2, 10), baku(3, 10), 9 * 60),  # one whole working day
        (baku(2, 10), baku(2, 10), 0),
        (baku(2, 11), baku(2, 10), 0),  # reversed: nothing
    ],
)
def test_working_time(start: datetime, end: datetime, minutes: int) -> None:
    assert OFFICE.working_seconds(start, end, BAKU) == minutes * MIN


def test_working_hours_follow_the_local_clock_across_a_dst_change() -> None:
    # Friday 27 Mar 17:00 CET to Monday 30 Mar 10:00 CEST: 1 h + 1 h.
    start = datetime(2026, 3, 27, 17, tzinfo=BERLIN)
    end = datetime(2026, 3, 30, 10, tzinfo=BERLIN)
    assert OFFICE.working_seconds(start, end, BERLIN) == 120 * MIN
    opens, _closes = OFFICE.intervals(end - timedelta(hours=1), end, BERLIN)[0]
    assert opens == datetime(2026, 3, 30, 7, tzinfo=UTC)


def test_all_day_schedules_and_no_working_days() -> None:
    always = parse_schedule("1-7 00:00-24:00")
    assert always.working_seconds(baku(7, 12), baku(8, 20), BAKU) == 32 * 60 * MIN
    idle = Schedule(frozenset(), 9 * 60, 18 * 60)
    assert idle.working_seconds(baku(2, 10), baku(9, 10), BAKU) == 0


async def test_sql_working_clock_agrees_with_python(session: AsyncSession) -> None:
    """The CASE tree the reports run on the database, against the plain definition."""
    rng = random.Random(5)
    since, until = baku(1, 0), baku(20, 0)
    intervals = [(a.timestamp(), b.timestamp()) for a, b in OFFICE.intervals(since, until, BAKU)]
    for _ in range(40):
        a = since + timedelta(minutes=rng.randrange(0, 19 * 24 * 60))
        b = a + timedelta(minutes=rng.choice([0, 5, 14, 15, 16, 600, 3000, 9000]))
        b = min(b, until)
        clock = [working_clock(literal(t.timestamp(), Float), intervals) for t in (a, b)]
        worked = await session.scalar(select(clock[1] - clock[0]))
        assert worked == pytest.approx(OFFICE.working_seconds(a, b, BAKU), abs=0.01), (a, b)


def test_parsing() -> None:
    assert parse_hours("09:00-18:00") == (540, 1080)
    assert parse_hours(" 8.30 – 24:00 ") == (510, 1440)
    assert parse_days("mon-fri,sun") == frozenset({0, 1, 2, 3, 4, 6})
    assert parse_days("1-5") == frozenset(range(5))
    assert parse_clock("9:05") == 545
    assert parse_schedule("Mon-Sat 10:00-19:00") == Schedule(frozenset(range(6)), 600, 1140)
    assert OFFICE.mask == 0b11111
    assert Schedule.from_mask(0b1100000, 0, 1440).days == frozenset({5, 6})
    for bad in ("18:00-09:00", "9-18", "09:00-24:30", "25:00-26:00", "09:60-10:00"):
        with pytest.raises(InvalidInput):
            parse_hours(bad)
    for bad_days in ("fri-mon", "8", "someday"):
        with pytest.raises(InvalidInput):
            parse_days(bad_days)
    for bad_clock in ("24:00", "9", "9:7"):
        with pytest.raises(InvalidInput):
            parse_clock(bad_clock)
    with pytest.raises(InvalidInput):
        parse_schedule("09:00-18:00")
