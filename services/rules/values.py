"""The values a rule's parts are made of, each checked where it stands: whole numbers in a range,
numbers, discounts, words, tags, texts in several languages, people, and webhook addresses."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from services.rules.invalid import RuleInvalid

TEXT_LENGTH = 1000
TAG = re.compile(r"^[^\s#,]{1,32}$")
KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
SECRET = re.compile(r"^[0-9a-f]{32,128}$")
CENT = Decimal("0.01")


def check_url(value: object, where: str, allow_private: bool) -> str:
    """http or https with a host; a loopback, private or link-local address only when allowed
    (names are looked up when posting, and checked again there)."""
    if not isinstance(value, str) or len(value) > 2000:
        raise RuleInvalid(where, "url")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RuleInvalid(where, "url")
    if not allow_private and not public_host(parts.hostname):
        raise RuleInvalid(where, "private_url")
    return value.strip()


def public_host(host: str) -> bool:
    """False for an address (or "localhost") that is not on the public internet."""
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(
        ".localhost"
    ):
        return False
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return True
    # Python counts multicast groups such as 224.0.0.1 as global; nothing is posted to them.
    return address.is_global and not address.is_multicast


def mapping_at(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise RuleInvalid(where, "not_mapping")
    return value


def sequence_at(value: object, where: str) -> Sequence[Any]:
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise RuleInvalid(where, "not_list")
    return value


def whole_at(value: object, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleInvalid(where, "not_whole")
    if not low <= value <= high:
        raise RuleInvalid(where, "out_of_range")
    return value


def number_at(value: object, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise RuleInvalid(where, "not_number")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise RuleInvalid(where, "not_number") from None
    if not number.is_finite() or abs(number) >= Decimal(10) ** 12:
        raise RuleInvalid(where, "not_number")
    return number


def off_at(value: object, where: str, high: Decimal) -> str:
    """A discount's number: more than 0, at most `high`, with two decimal places at most; kept
    as a decimal string ("5", "12.50")."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise RuleInvalid(where, "not_number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise RuleInvalid(where, "not_number") from None
    if not number.is_finite():
        raise RuleInvalid(where, "not_number")
    if not Decimal(0) < number <= high:
        raise RuleInvalid(where, "out_of_range")
    if number != number.quantize(CENT):
        raise RuleInvalid(where, "places")
    exponent = number.as_tuple().exponent
    return format(
        number.quantize(CENT) if isinstance(exponent, int) and exponent < -2 else number, "f"
    )


def scalar_at(value: object, where: str) -> str | int | bool:
    if isinstance(value, (bool, int)):
        return value
    if isinstance(value, (float, Decimal)):
        return str(number_at(value, where))
    if isinstance(value, str) and value.strip() and len(value) <= 200:
        return value.strip()
    raise RuleInvalid(where, "missing")


def word_at(value: object, where: str) -> str:
    if not isinstance(value, str) or not KEY.match(value):
        raise RuleInvalid(where, "unknown")
    return value


def tag_at(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise RuleInvalid(where, "missing")
    tag = value.strip().lstrip("#").lower()
    if not TAG.match(tag):
        raise RuleInvalid(where, "tag")
    return tag


def person_at(value: object, where: str, named: tuple[str, ...]) -> str | int:
    if value in named:
        return str(value)
    return whole_at(value, where, 1, 2**31)


def text_at(value: object, where: str, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise RuleInvalid(where, "missing")
    text = value.strip()
    if not text and not allow_empty:
        raise RuleInvalid(where, "missing")
    if len(text) > TEXT_LENGTH:
        raise RuleInvalid(where, "too_long")
    return text


def texts_at(value: object, where: str) -> dict[str, str]:
    """A text in one or more of en, az, ru; a reader gets theirs, else the first given."""
    if isinstance(value, str):
        value = {"en": value}
    raw = mapping_at(value, where)
    texts = {}
    for language, text in raw.items():
        if language not in ("en", "az", "ru"):
            raise RuleInvalid(f"{where}.{language}", "unknown")
        texts[language] = text_at(text, f"{where}.{language}")
    if not texts:
        raise RuleInvalid(where, "missing")
    return texts
