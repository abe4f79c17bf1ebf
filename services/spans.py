"""Spans of time typed by a person: a whole number, optionally with a unit in en, az or ru
("15", "2h", "2 h", "2 saat", "2 ч", "3 days"). A bare number is in the unit the question
asked for."""

from __future__ import annotations

import re

from services.errors import ErrorCode, InvalidInput

MINUTE, HOUR, DAY = 1, 60, 60 * 24
_SPAN = re.compile(r"^(\d{1,7})\s*([^\d\s.,]*)\.?$")
_UNITS = {
    MINUTE: [
        "m",
        "min",
        "mins",
        "minute",
        "minutes",
        "dəq",
        "dəqiqə",
        "мин",
        "минута",
        "минуты",
        "минут",
    ],
    HOUR: ["h", "hr", "hrs", "hour", "hours", "saat", "ч", "час", "часа", "часов"],
    DAY: ["d", "day", "days", "gün", "д", "дн", "день", "дня", "дней"],
}
_MINUTES = {word: size for size, words in _UNITS.items() for word in words}


def parse_minutes(text: str, bare: int) -> int:
    """The span in minutes; a number without a unit counts `bare` minutes each."""
    match = _SPAN.match(text.strip().lower())
    if match is None:
        raise InvalidInput(ErrorCode.INVALID_INPUT)
    number, unit = match.groups()
    size = _MINUTES.get(unit) if unit else bare
    if size is None:
        raise InvalidInput(ErrorCode.INVALID_INPUT)
    return int(number) * size
