"""Money and numbers typed by a person, read the way their language writes numbers."""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import NumberFormatError, get_group_symbol, parse_decimal

from services.errors import ErrorCode, InvalidInput

CENT = Decimal("0.01")
# Deal.amount is Numeric(14, 2): twelve digits before the decimal point.
LIMIT = Decimal(10) ** 12
# A number field keeps at most this many decimal places.
PLACES = 6
_NUMBER_CHARS = re.compile(r"^[\d\s.,]+$")
_SPACE_BETWEEN_DIGITS = re.compile(r"(?<=\d)\s+(?=\d)")
_MINUS = ("-", "−")


def parse_amount(text: str, locale: str) -> Decimal:
    """Accepts "1500", "1 500,50" (az, ru), "1,500.50" (en); refuses signs, letters, exponents."""
    raw = text.strip()
    if raw.startswith(_MINUS):
        raise InvalidInput(ErrorCode.NEGATIVE_AMOUNT)
    value = _unsigned(raw, locale, ErrorCode.AMOUNT)
    if value != value.quantize(CENT):
        raise InvalidInput(ErrorCode.AMOUNT)
    return value.quantize(CENT)


def parse_number(text: str, locale: str, code: ErrorCode) -> Decimal:
    """As an amount, but a sign is allowed and up to PLACES decimal places; `code` is raised
    for anything else."""
    raw = text.strip()
    negative = raw.startswith(_MINUS)
    value = _unsigned(raw[1:].lstrip() if negative else raw, locale, code)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -PLACES:
        raise InvalidInput(code)
    return -value if negative else value


def _unsigned(raw: str, locale: str, code: ErrorCode) -> Decimal:
    if not _NUMBER_CHARS.match(raw):
        raise InvalidInput(code)
    # People group thousands with a plain space whatever their locale's own separator is.
    grouped = _SPACE_BETWEEN_DIGITS.sub(get_group_symbol(locale), raw)
    try:
        value = parse_decimal(grouped, locale=locale, strict=True)
    except NumberFormatError as error:
        raise InvalidInput(code) from error
    if not value.is_finite() or value >= LIMIT:
        raise InvalidInput(code)
    return value
