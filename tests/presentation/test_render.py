from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from presentation.render import when

BAKU, LISBON = ZoneInfo("Asia/Baku"), ZoneInfo("Europe/Lisbon")


def test_a_moment_is_written_in_the_readers_zone_and_language() -> None:
    moment = datetime(2026, 3, 5, 9, 7, 59, tzinfo=UTC)
    assert when(moment, BAKU, "en") == "Mar 5, 2026, 13:07"
    assert when(moment, LISBON, "en") == "Mar 5, 2026, 09:07"
    assert when(moment, BAKU, "ru") == "5 мар. 2026\u202fг., 13:07"
    assert when(moment, BAKU, "az") == "5 mar 2026, 13:07"


def test_the_same_instant_in_two_zones_and_the_next_minute_are_told_apart() -> None:
    first = datetime(2026, 12, 31, 23, 59, 30, tzinfo=UTC)
    later = datetime(2027, 1, 1, 0, 0, 1, tzinfo=UTC)
    assert when(first, LISBON, "en") == "Dec 31, 2026, 23:59"
    assert when(later, LISBON, "en") == "Jan 1, 2027, 00:00"
    assert when(first, BAKU, "en") == "Jan 1, 2027, 03:59"
    assert when(first.astimezone(BAKU), LISBON, "en") == "Dec 31, 2026, 23:59"
