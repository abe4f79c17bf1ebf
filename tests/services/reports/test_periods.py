"""Period boundaries in the company zone, the previous period, and what digests cover."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.reports.periods import (
    Choice,
    Span,
    add_months,
    choose,
    digest_periods,
    from_key,
    period,
    previous,
)

BAKU = ZoneInfo("Asia/Baku")  # UTC+4, no DST
BERLIN = ZoneInfo("Europe/Berlin")  # DST from 29 Mar 2026 02:00 to 03:00
# Mon 2 Mar 2026, 13:00 in Baku.
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("choice", "first", "start", "end"),
    [
        (Choice.TODAY, date(2026, 3, 2), utc(2026, 3, 1, 20), NOW),
        (Choice.YESTERDAY, date(2026, 3, 1), utc(2026, 2, 28, 20), utc(2026, 3, 1, 20)),
        (Choice.LAST_7, date(2026, 2, 24), utc(2026, 2, 23, 20), NOW),
        (Choice.LAST_30, date(2026, 2, 1), utc(2026, 1, 31, 20), NOW),
        (Choice.THIS_MONTH, date(2026, 3, 1), utc(2026, 2, 28, 20), NOW),
        (Choice.PREVIOUS_MONTH, date(2026, 2, 1), utc(2026, 1, 31, 20), utc(2026, 2, 28, 20)),
    ],
)
def test_choices_start_at_local_midnight_and_stop_now(
    choice: Choice, first: date, start: datetime, end: datetime
) -> None:
    got = choose(choice, BAKU, NOW)
    assert (got.first, got.start, got.end) == (first, start, end)


def test_a_day_just_after_local_midnight_is_the_new_day() -> None:
    # 20:30 UTC on 1 Mar is 00:30 on 2 Mar in Baku.
    late = utc(2026, 3, 1, 20, 30)
    today = choose(Choice.TODAY, BAKU, late)
    assert (today.first, today.start, today.end) == (date(2026, 3, 2), utc(2026, 3, 1, 20), late)
    assert today.days == [date(2026, 3, 2)]


def test_previous_of_a_running_period_stops_at_the_same_moment() -> None:
    today = choose(Choice.TODAY, BAKU, NOW)
    before = previous(today)
    assert (before.first, before.start, before.end) == (
        date(2026, 3, 1),
        utc(2026, 2, 28, 20),
        NOW - timedelta(days=1),
    )
    month = previous(choose(Choice.THIS_MONTH, BAKU, NOW))
    assert (month.first, month.start, month.end) == (
        date(2026, 2, 1),
        utc(2026, 1, 31, 20),
        utc(2026, 2, 2, 9),
    )


def test_previous_of_a_whole_period_is_whole() -> None:
    week = previous(period(Span.WEEK, date(2026, 2, 23), BAKU, NOW))
    assert (week.first, week.start, week.end) == (
        date(2026, 2, 16),
        utc(2026, 2, 15, 20),
        utc(2026, 2, 22, 20),
    )
    march = previous(choose(Choice.PREVIOUS_MONTH, BAKU, utc(2026, 4, 10)))
    assert (march.first, march.end) == (date(2026, 2, 1), utc(2026, 2, 28, 20))


def test_months_are_clamped_to_their_length() -> None:
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert add_months(date(2026, 1, 15), -1) == date(2025, 12, 15)
    # 31 March, 10:00: the previous month's comparison stops at 28 February, 10:00.
    end_of_march = utc(2026, 3, 31, 6)
    month = previous(choose(Choice.THIS_MONTH, BAKU, end_of_march))
    assert month.end == utc(2026, 2, 28, 6)


def test_a_day_with_a_clock_change_is_23_hours_long() -> None:
    day = period(Span.DAY, date(2026, 3, 29), BERLIN, utc(2026, 4, 5))
    assert (day.start, day.end) == (utc(2026, 3, 28, 23), utc(2026, 3, 29, 22))
    week = period(Span.WEEK, date(2026, 3, 23), BERLIN, utc(2026, 4, 5))
    starts = week.day_starts()
    # Saturday and Sunday start at 00:00 CET (23:00 UTC); the week ends at 00:00 CEST.
    assert starts[5:] == [utc(2026, 3, 27, 23), utc(2026, 3, 28, 23)]
    assert week.end == utc(2026, 3, 29, 22)


def test_keys_round_trip_and_days_list() -> None:
    week = period(Span.WEEK, date(2026, 2, 23), BAKU, NOW)
    assert week.key == 20260223
    assert from_key(Span.WEEK, 20260223, BAKU, NOW) == week
    assert week.days[0] == date(2026, 2, 23) and week.days[-1] == date(2026, 3, 1)
    assert week.last == date(2026, 3, 1)
    with pytest.raises(ValueError):
        from_key(Span.DAY, 20261340, BAKU, NOW)


def test_a_future_period_is_empty() -> None:
    later = period(Span.DAY, date(2026, 3, 5), BAKU, NOW)
    assert later.start == later.end == utc(2026, 3, 4, 20)
    assert later.days == [date(2026, 3, 5)]


@pytest.mark.parametrize(
    ("today", "day", "week"),
    [
        (date(2026, 3, 2), date(2026, 3, 1), date(2026, 2, 23)),  # Monday
        (date(2026, 3, 3), date(2026, 3, 2), date(2026, 2, 23)),  # Tuesday: same week
        (date(2026, 3, 8), date(2026, 3, 7), date(2026, 2, 23)),  # Sunday
        (date(2026, 3, 9), date(2026, 3, 8), date(2026, 3, 2)),  # next Monday
    ],
)
def test_digest_periods(today: date, day: date, week: date) -> None:
    assert digest_periods(today) == {Span.DAY: day, Span.WEEK: week}
