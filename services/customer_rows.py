"""A customer record's columns as JSON and back, for a merge to keep what it changed: every
column is copied, so a column added to customers is kept and restored with no change here."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, DateTime, Float, Numeric, TypeDecorator

from services.db.customers import Customer

_COLUMNS = Customer.__table__.columns
# What a merge never takes from the other record: who it is, since when and where it came from;
# its card's version (the kept card's moves on instead) and its name's search key (which
# follows the kept record's name).
KEPT = frozenset({"id", "created_at", "source", "merged_into_id", "version", "name_key"})
# Each names one customer only; the merged-away record lets go of them.
IDENTIFIERS = ("phone", "user_id", "email")


def row_of(customer: Customer) -> dict[str, Any]:
    """Every column of the record, as JSON values."""
    return {column.key: to_json(getattr(customer, column.key)) for column in _COLUMNS}


def put(customer: Customer, values: dict[str, Any]) -> None:
    """Set the record's columns from `row_of`'s values."""
    for key, value in values.items():
        setattr(customer, key, from_json(key, value))


def blank(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


def to_json(value: object) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def from_json(key: str, value: Any) -> Any:
    if value is None:
        return None
    kind = _COLUMNS[key].type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, Numeric) and not isinstance(kind, Float):
        return Decimal(value)
    return value
