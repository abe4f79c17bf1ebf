"""What a field is and how its values are typed, stored and read back, per kind. Values typed
in the bot follow the rules of amounts and dates (services/amounts.py, services/dates.py);
values sent to the HTTP API are JSON (numbers, ISO dates, booleans, an option's key)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from services.amounts import LIMIT, PLACES, parse_amount, parse_number
from services.dates import parse_date
from services.errors import ErrorCode, FieldRejected, InvalidInput

DEAL, CUSTOMER = "deal", "customer"
ENTITIES = (DEAL, CUSTOMER)
TEXT, NUMBER, MONEY, DATE, YES_NO, CHOICE = "text", "number", "money", "date", "yes_no", "choice"
KINDS = (TEXT, NUMBER, MONEY, DATE, YES_NO, CHOICE)
YES, NO = "yes", "no"
TEXT_LENGTH = 500
# A field's change in a deal's history is an event of kind "field:<field id>", its from and
# to values in stored form.
FIELD_EVENT = "field:"
KEY_LENGTH = 32
_PLAIN_NUMBER = re.compile(r"-?[0-9]{1,12}(\.[0-9]{1,6})?")

Typed = str | Decimal | date | bool


@dataclass(frozen=True)
class Choice:
    key: str
    names: dict[str, str]


@dataclass(frozen=True)
class FieldView:
    field_id: int
    entity: str
    key: str
    kind: str
    names: dict[str, str]
    choices: tuple[Choice, ...]
    position: int
    active: bool

    def choice(self, key: str) -> Choice | None:
        return next((c for c in self.choices if c.key == key), None)


@dataclass(frozen=True)
class Shown:
    """A filled field: its value read back in its kind's type (a choice's key for choice)."""

    field: FieldView
    value: Typed


def slug(text: str, taken: Collection[str], fallback: str) -> str:
    """A stable ASCII key from a name ("Delivery date" → "delivery_date"), unique among
    `taken`; `fallback` when the name has no Latin letters or digits."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:KEY_LENGTH] or fallback
    key, number = base, 1
    while key in taken:
        number += 1
        key = f"{base[: KEY_LENGTH - len(str(number)) - 1]}_{number}"
    return key


def from_text(field: FieldView, text: str, locale: str) -> str:
    """The stored form of a value typed in the bot, in the reader's locale."""
    try:
        return _read(field, text.strip(), locale)
    except FieldRejected:
        raise
    except InvalidInput as error:
        raise FieldRejected(error.code, field.key) from error


def _read(field: FieldView, raw: str, locale: str) -> str:
    if field.kind == TEXT:
        return _text(field, raw)
    if field.kind == NUMBER:
        return _plain(parse_number(raw, locale, ErrorCode.FIELD_NUMBER))
    if field.kind == MONEY:
        return str(parse_amount(raw, locale))
    if field.kind == DATE:
        return parse_date(raw, ErrorCode.FIELD_DATE).isoformat()
    # Yes/no and choice are picked with buttons; nothing typed stands for them.
    raise FieldRejected(ErrorCode.FIELD_CHOICE, field.key)


def from_button(field: FieldView, index: int) -> str:
    """Yes/no: 1 is yes, 0 no; choice: the option at `index`."""
    if field.kind == YES_NO and index in (0, 1):
        return YES if index else NO
    if field.kind == CHOICE and 0 <= index < len(field.choices):
        return field.choices[index].key
    raise FieldRejected(ErrorCode.FIELD_CHOICE, field.key)


def from_json(field: FieldView, value: object) -> str:
    """The stored form of a value sent to the HTTP API."""
    code = {
        TEXT: ErrorCode.FIELD_TEXT,
        NUMBER: ErrorCode.FIELD_NUMBER,
        MONEY: ErrorCode.AMOUNT,
        DATE: ErrorCode.FIELD_DATE,
        YES_NO: ErrorCode.FIELD_YES_NO,
        CHOICE: ErrorCode.FIELD_CHOICE,
    }[field.kind]
    if field.kind == TEXT and isinstance(value, str):
        return _text(field, value.strip())
    if field.kind in (NUMBER, MONEY) and not isinstance(value, bool):
        number = _json_number(value)
        if number is not None and (field.kind == NUMBER or _is_money(number)):
            return (
                _plain(number) if field.kind == NUMBER else str(number.quantize(Decimal("0.01")))
            )
    if field.kind == DATE and isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    if field.kind == YES_NO and isinstance(value, bool):
        return YES if value else NO
    if field.kind == CHOICE and isinstance(value, str) and field.choice(value):
        return value
    raise FieldRejected(code, field.key)


def typed(field: FieldView, stored: str) -> Typed:
    """A stored value in its kind's type."""
    if field.kind in (NUMBER, MONEY):
        return Decimal(stored)
    if field.kind == DATE:
        return date.fromisoformat(stored)
    if field.kind == YES_NO:
        return stored == YES
    return stored


def to_json(field: FieldView, stored: str) -> object:
    """A stored value as the HTTP API answers it: numbers as strings, so they stay exact."""
    return stored == YES if field.kind == YES_NO else stored


def _text(field: FieldView, text: str) -> str:
    if not text or len(text) > TEXT_LENGTH or "\x00" in text:
        raise FieldRejected(ErrorCode.FIELD_TEXT, field.key)
    return text


def _plain(value: Decimal) -> str:
    """1234.50 → "1234.5", 1E+3 → "1000": one spelling per number."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _json_number(value: object) -> Decimal | None:
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str) and _PLAIN_NUMBER.fullmatch(value.strip()):
        number = Decimal(value.strip())
    else:
        return None
    try:
        exponent = number.as_tuple().exponent
    except InvalidOperation:
        return None
    if not number.is_finite() or abs(number) >= LIMIT:
        return None
    if isinstance(exponent, int) and exponent < -PLACES:
        return None
    return number


def _is_money(number: Decimal) -> bool:
    return number >= 0 and number == number.quantize(Decimal("0.01"))
