"""Row ids as the database stores them: positive and within a 32-bit INTEGER column. A number
outside that range names nothing, whoever sent it."""

from __future__ import annotations

MAX_ID = 2**31 - 1


def is_id(number: int) -> bool:
    return 1 <= number <= MAX_ID
