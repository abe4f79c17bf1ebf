"""Measurements a manager types for a product's formula, e.g. "4,2 x 3,5" for a room."""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import NumberFormatError, get_decimal_symbol, parse_decimal

from services.errors import ErrorCode, InvalidInput

# A measure is positive, below this and has at most three decimal places.
LIMIT = Decimal(10) ** 6
PLACES = Decimal("0.001")
_SEPARATOR = re.compile(r"[xX×*хХ;]")
_NUMBER_CHARS = re.compile(r"[0-9.,]+")


def parse_measures(text: str, locale: str, count: int) -> list[Decimal]:
    """Exactly `count` measures, as "4,2 x 3,5" (az, ru) or "4.2 x 3.5" (en); anything else
    is InvalidInput(MEASURES).

    Values are separated by x, ×, *, a Cyrillic х or ";", or by spaces when none of those is
    there (so no number is grouped with spaces: "1 500" is two values). Each is read by babel,
    strictly, the way the locale writes numbers, with one leniency: where the decimal mark is
    not a dot (az, ru), a value with a dot and no such mark takes the dot for its decimal
    point, as phones' keypads offer it: "4.2" and "4.200" are 4.2 (babel alone would read az
    "4.200" as 4200). In en "4,2" is refused, a comma grouping thousands there."""
    raw = text.strip()
    parts = _SEPARATOR.split(raw) if _SEPARATOR.search(raw) else raw.split()
    if len(parts) != count:
        raise InvalidInput(ErrorCode.MEASURES)
    return [_measure(part.strip(), locale) for part in parts]


def _measure(typed: str, locale: str) -> Decimal:
    if not _NUMBER_CHARS.fullmatch(typed):
        raise InvalidInput(ErrorCode.MEASURES)
    mark = get_decimal_symbol(locale)
    if mark != "." and mark not in typed:
        typed = typed.replace(".", mark)
    try:
        value = parse_decimal(typed, locale=locale, strict=True)
    except NumberFormatError as error:
        raise InvalidInput(ErrorCode.MEASURES) from error
    if not 0 < value < LIMIT or value != value.quantize(PLACES):
        raise InvalidInput(ErrorCode.MEASURES)
    return value
