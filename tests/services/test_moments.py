"""Typed and preset moments in the company zone, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from services.errors import InvalidInput
from services.moments import Preset, local_moment, parse_moment, preset_moment

BAKU = ZoneInfo("Asia/Baku")  # UTC+4, no DST
BERLIN = ZoneInfo("Europe/Berlin")
# Monday 2 March 2026, 13:00 in Baku.
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("25.12 15:00", utc(2026, 12, 25, 11, 0)),
        ("25.12.2026 15:00", utc(2026, 12, 25, 11, 0)),
        ("2026-12-25 15:00", utc(2026, 12, 25, 11, 0)),
        ("  2026-12-25   15:00 ", utc(2026, 12, 25, 11, 0)),
        ("15:00", utc(2026, 3, 2, 11, 0)),  # later today
        ("9:30", utc(2026, 3, 3, 5, 30)),  # passed today: tomorrow
        ("tomorrow 10:00", utc(2026, 3, 3, 6, 0)),
        ("Tomorrow 10:00", utc(2026, 3, 3, 6, 0)),
        ("sabah 10:00", utc(2026, 3, 3, 6, 0)),
        ("завтра 10:00", utc(2026, 3, 3, 6, 0)),
        ("today 18:00", utc(2026, 3, 2, 14, 0)),
        ("bu gün 18:00", utc(2026, 3, 2, 14, 0)),
        ("сегодня 18:00", utc(2026, 3, 2, 14, 0)),
        ("01.03 10:00", utc(2027, 3, 1, 6, 0)),  # passed this year: next year
        ("05.03", utc(2026, 3, 5, 6, 0)),  # a date alone is 10:00
    ],
)
def test_typed_moments_are_read_in_the_company_zone(typed: str, expected: datetime) -> None:
    assert parse_moment(typed, NOW, BAKU) == expected


@pytest.mark.parametrize(
    "typed", ["", "soon", "25.13 10:00", "31.02 10:00", "24:00", "12:60", "yesterday 10:00"]
)
def test_unreadable_moments_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_moment(typed, NOW, BAKU)
    assert refused.value.code == "moment"


@pytest.mark.parametrize("typed", ["today 09:00", "2026-03-01 10:00", "02.03.2026 12:59"])
def test_past_moments_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_moment(typed, NOW, BAKU)
    assert refused.value.code == "moment_past"


def test_presets() -> None:
    assert preset_moment(Preset.HOUR, NOW, BAKU) == utc(2026, 3, 2, 10, 0)
    assert preset_moment(Preset.THREE_HOURS, NOW, BAKU) == utc(2026, 3, 2, 12, 0)
    assert preset_moment(Preset.FIFTEEN_MINUTES, NOW, BAKU) == utc(2026, 3, 2, 9, 15)
    assert preset_moment(Preset.TOMORROW, NOW, BAKU) == utc(2026, 3, 3, 6, 0)
    # On a Monday, "next Monday" is a week ahead.
    assert preset_moment(Preset.NEXT_MONDAY, NOW, BAKU) == utc(2026, 3, 9, 6, 0)
    sunday_night = utc(2026, 3, 8, 19, 30)  # 23:30 Sunday in Baku
    assert preset_moment(Preset.NEXT_MONDAY, sunday_night, BAKU) == utc(2026, 3, 9, 6, 0)


def test_berlin_spring_change_keeps_the_wall_clock() -> None:
    """Clocks go from 02:00 to 03:00 on Sunday 29 March 2026 in Berlin."""
    saturday = utc(2026, 3, 28, 12, 0)  # 13:00 CET
    # Tomorrow 10:00 is CEST (UTC+2), not 24 hours after 10:00 CET.
    assert preset_moment(Preset.TOMORROW, saturday, BERLIN) == utc(2026, 3, 29, 8, 0)
    assert parse_moment("29.03 10:00", saturday, BERLIN) == utc(2026, 3, 29, 8, 0)
    assert parse_moment("28.03 23:00", saturday, BERLIN) == utc(2026, 3, 28, 22, 0)
    # 02:30 does not exist that night: it stands for 03:30 CEST.
    assert parse_moment("29.03 02:30", saturday, BERLIN) == utc(2026, 3, 29, 1, 30)
    # An hour from now is an hour of real time, whatever the clocks do.
    late = utc(2026, 3, 29, 0, 30)  # 01:30 CET
    assert preset_moment(Preset.HOUR, late, BERLIN) == utc(2026, 3, 29, 1, 30)


def test_berlin_autumn_change_takes_the_first_of_the_doubled_hour() -> None:
    # 02:30 happens twice on 25 October 2026: first in CEST (UTC+2).
    assert local_moment(
        datetime(2026, 10, 25).date(), datetime(2000, 1, 1, 2, 30).time(), BERLIN
    ) == (utc(2026, 10, 25, 0, 30))
