"""Dates typed by a person: 2026-12-31 or 31.12.2026 (also 31/12/2026), whatever the language."""

from __future__ import annotations

import re
from datetime import date

from services.errors import ErrorCode, InvalidInput

_DATE = re.compile(r"^(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})[./](\d{1,2})[./](\d{4}))$")


def parse_date(text: str, code: ErrorCode = ErrorCode.CONTRACT_DATE) -> date:
    """The date, or InvalidInput with `code` (the error the asking flow explains)."""
    match = _DATE.match(text.strip())
    if match is None:
        raise InvalidInput(code)
    y, m, d, d2, m2, y2 = match.groups()
    try:
        return date(int(y or y2), int(m or m2), int(d or d2))
    except ValueError as exc:
        raise InvalidInput(code) from exc
