"""Money typed by a person, read the way their language writes numbers."""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import NumberFormatError, get_group_symbol, parse_decimal

from services.errors import ErrorCode, InvalidInput

CENT = Decimal("0.01")
# Deal.amount is Numeric(14, 2): twelve digits before the decimal point.
LIMIT = Decimal(10) ** 12
_NUMBER_CHARS = re.compile(r"^[\d\s.,]+$")
_SPACE_BETWEEN_DIGITS = re.compile(r"(?<=\d)\s+(?=\d)")


def parse_amount(text: str, locale: str) -> Decimal:
    """Accepts "1500", "1 500,50" (az, ru), "1,500.50" (en); refuses signs, letters, exponents."""
    raw = text.strip()
    if raw.startswith(("-", "−")):
        raise InvalidInput(ErrorCode.NEGATIVE_AMOUNT)
    if not _NUMBER_CHARS.match(raw):
        raise InvalidInput(ErrorCode.AMOUNT)
    # People group thousands with a plain space whatever their locale's own separator is.
    grouped = _SPACE_BETWEEN_DIGITS.sub(get_group_symbol(locale), raw)
    try:
        value = parse_decimal(grouped, locale=locale, strict=True)
    except NumberFormatError as error:
        raise InvalidInput(ErrorCode.AMOUNT) from error
    if not value.is_finite() or value != value.quantize(CENT) or value >= LIMIT:
        raise InvalidInput(ErrorCode.AMOUNT)
    return value.quantize(CENT)
