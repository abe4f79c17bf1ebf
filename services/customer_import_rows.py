"""One row of a customers file read into what it sets, checked as the card checks each detail:
phones in E.164, an e-mail, a birthday, a language, tags. A blank cell clears its detail (the
name must stay); a column the file leaves out leaves the detail as it is."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from services.access import SUPPORTED_LOCALES
from services.customer_edits import Detail, read_detail
from services.customer_sheet import FORMULA_STARTS, QUOTE
from services.customer_tags import MAX_TAGS, read_tags
from services.errors import ErrorCode, InvalidInput
from services.phones import normalize_phone
from services.sheet_problems import FileProblem, Problem
from services.workbooks import Cell, Values

_TEXTS = {
    "name": Detail.NAME,
    "email": Detail.EMAIL,
    "company": Detail.COMPANY,
    "address": Detail.ADDRESS,
    "notes": Detail.NOTES,
}
_SEPARATORS = re.compile(r"[,;\n]+")
# What no text on a card holds, and a workbook can't store (nor PostgreSQL, a NUL).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class RowIn:
    number: int
    customer_id: int | None
    # The customers columns the row sets.
    values: dict[str, Any]
    # The main one first; None when the file has no phone column.
    phones: list[str] | None
    # None when the file has no tags column.
    tags: list[str] | None


def text(value: Cell) -> str:
    """A cell as text: a whole number without ".0", a date as yyyy-mm-dd, a formula's start
    without the quote the CSV export put before it, control characters left out."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    written = "" if value is None else _CONTROLS.sub("", str(value)).strip()
    if written.startswith(QUOTE) and written[1:].startswith(FORMULA_STARTS):
        return written[1:]
    return written


def parse(
    number: int, cells: Values, region: str, today: date
) -> tuple[RowIn | None, list[Problem]]:
    problems: list[Problem] = []

    def failed(column: str, code: ErrorCode | FileProblem) -> None:
        problems.append(Problem(number, column, code))

    customer_id = None
    written = text(cells.get("id"))
    if written:
        if not written.isdigit() or not 0 < int(written) < 2**31:
            failed("id", FileProblem.NO_CUSTOMER)
        else:
            customer_id = int(written)
    values: dict[str, Any] = {}
    for column, detail in _TEXTS.items():
        if column not in cells:
            continue
        typed = text(cells[column])
        if not typed and column != "name":
            values[column] = None
            continue
        try:
            values[column] = read_detail(detail, typed, today)
        except InvalidInput as error:
            failed(column, error.code)
    if "language" in cells:
        language = text(cells["language"]).casefold() or None
        if language is not None and language not in SUPPORTED_LOCALES:
            failed("language", FileProblem.LANGUAGE)
        values["language"] = language
    if "birthday" in cells:
        try:
            values["birthday"] = _birthday(cells["birthday"], today)
        except InvalidInput:
            failed("birthday", ErrorCode.BIRTHDAY)
    phones = None
    if "phone" in cells:
        phones = _phones(cells, region, failed)
    tags = None
    if "tags" in cells:
        words = text(cells["tags"])
        try:
            tags = read_tags(words) if words else []
            if len(tags) > MAX_TAGS:
                raise InvalidInput(ErrorCode.TAG)
        except InvalidInput:
            failed("tags", ErrorCode.TAG)
    if problems:
        return None, problems
    return RowIn(number, customer_id, values, phones, tags), []


def _birthday(value: Cell, today: date) -> date | None:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if not date(1900, 1, 1) <= value <= today:
            raise InvalidInput(ErrorCode.BIRTHDAY)
        return value
    written = text(value)
    if not written:
        return None
    born = read_detail(Detail.BIRTHDAY, written, today)
    return born if isinstance(born, date) else None


def _phones(cells: Values, region: str, failed: Any) -> list[str]:
    found: list[str] = []
    for column in ("phone", "other_phones"):
        for written in _SEPARATORS.split(text(cells.get(column))):
            if not written.strip():
                continue
            try:
                phone = normalize_phone(written, region)
            except InvalidInput:
                failed(column, ErrorCode.CUSTOMER_PHONE)
                continue
            if phone not in found:
                found.append(phone)
    if text(cells.get("other_phones")) and not text(cells.get("phone")):
        # The first of the others would become the main one unasked.
        failed("phone", ErrorCode.CUSTOMER_PHONE)
    return found
