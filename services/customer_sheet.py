"""The customers as a spreadsheet: the columns, a workbook or CSV written from plain rows under
headers in the reader's language, and a file sent back (.xlsx or CSV) read into rows of cell
values by column, its headers in any language. The catalog's limits hold: file size, what it
unpacks to, rows. Blocking work: run it in a thread."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from itertools import zip_longest

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from services.catalog_sheet import MAX_PROBLEMS, MAX_ROWS
from services.errors import ErrorCode, InvalidInput
from services.reports.sheets import cell, header
from services.workbooks import MAX_BYTES, WorkbookRefused, first_sheet

COLUMNS = (
    "id",
    "name",
    "phone",
    "other_phones",
    "email",
    "company",
    "address",
    "language",
    "birthday",
    "tags",
    "notes",
    "source",
    "created",
    "requests",
    "last_activity",
)
# Shown only: an import leaves them as they are.
READ_ONLY = frozenset({"source", "created", "requests", "last_activity"})
LIST_SEPARATOR = ", "
# What a spreadsheet app would take for the start of a formula in a CSV cell: such a text (a
# customer names themselves) is written after a quote, which an import takes off again. Phones
# (+ and digits only) can't call anything and stay as they are.
FORMULA_STARTS = ("=", "@", "+", "-", "\t", "\r")
QUOTE = "'"
_PHONES = re.compile(r"\+[\d ,+]*")
_CSV_DELIMITERS = ",;\t"

Cell = object
Values = dict[str, Cell]


class SheetProblem(StrEnum):
    """What is wrong where no ErrorCode says it."""

    NOT_READABLE = "not_readable"
    TOO_BIG = "too_big"
    TOO_MANY_ROWS = "too_many_rows"
    NO_HEADER = "no_header"
    UNKNOWN_COLUMN = "unknown_column"
    DUPLICATE_COLUMN = "duplicate_column"
    NO_NAME_COLUMN = "no_name_column"
    NO_CUSTOMER = "no_customer"
    MERGED = "merged"
    DUPLICATE = "duplicate"
    PHONE_TAKEN = "phone_taken"
    LANGUAGE = "language"


@dataclass(frozen=True)
class Problem:
    """Row as the spreadsheet numbers it (the header is 1; 0: the whole file), and the column
    by its key ("" for the whole file or row)."""

    row: int
    column: str
    code: ErrorCode | SheetProblem


class CustomerFileRejected(InvalidInput):
    """The file is refused and nothing was changed: its first problems (at most MAX_PROBLEMS,
    by row) and how many more there are."""

    code = ErrorCode.CUSTOMER_FILE

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__()
        ordered = sorted(problems, key=lambda p: (p.row, _order(p.column)))
        self.problems = ordered[:MAX_PROBLEMS]
        self.more = len(ordered) - len(self.problems)


def _order(column: str) -> int:
    return COLUMNS.index(column) if column in COLUMNS else len(COLUMNS)


def refused(code: SheetProblem) -> CustomerFileRejected:
    return CustomerFileRejected([Problem(0, "", code)])


def workbook(sheet_name: str, titles: list[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name)
    sheet.freeze_panes = "A2"
    header(sheet, titles)
    for row in rows:
        sheet.append([_text_cell(sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text_cell(sheet: WriteOnlyWorksheet, value: Cell) -> Cell:
    """A text that starts like a formula stays a text; control characters (a workbook can't
    hold them) are left out."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, str) and value.startswith("="):
        written = WriteOnlyCell(sheet, value=value)
        written.data_type = "s"
        return written
    return cell(sheet, value)


def csv_file(titles: list[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """UTF-8 with a BOM, so spreadsheet apps read it right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(titles)
    for row in rows:
        writer.writerow(_csv_value(value) for value in row)
    return out.getvalue().encode("utf-8-sig")


def _csv_value(value: Cell) -> Cell:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _PHONES.fullmatch(value)
    ):
        return QUOTE + value
    return value


def read(data: bytes, is_csv: bool, titles: Mapping[str, str]) -> list[tuple[int, Values]]:
    """The rows that hold anything, each with its number in the sheet, by column key;
    `titles` are the headers known (folded) with their keys. CustomerFileRejected for a file
    too large or unreadable, more than MAX_ROWS rows, or an odd header."""
    if len(data) > MAX_BYTES:
        raise refused(SheetProblem.TOO_BIG)
    if is_csv:
        return _rows(_csv_rows(data), titles)
    try:
        return first_sheet(data, lambda found: _rows(found, titles), CustomerFileRejected)
    except WorkbookRefused as error:
        raise refused(
            SheetProblem.TOO_BIG if error.too_big else SheetProblem.NOT_READABLE
        ) from None


def _csv_rows(data: bytes) -> list[list[str]]:
    # Excel's "Unicode text" is UTF-16 after a byte order mark, its cells between tabs.
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    try:
        text = data.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError:
        raise refused(SheetProblem.NOT_READABLE) from None
    first = text.split("\n", 1)[0]
    # Spreadsheet apps in some languages write ";" between cells.
    delimiter = max(_CSV_DELIMITERS, key=first.count)
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error:
        raise refused(SheetProblem.NOT_READABLE) from None


def _rows(found: Iterable[Sequence[Cell]], titles: Mapping[str, str]) -> list[tuple[int, Values]]:
    rows = iter(found)
    written = [_title(value) for value in next(rows, ())]
    while written and not written[-1]:
        written.pop()
    if not written:
        raise refused(SheetProblem.NO_HEADER)
    keys = [titles.get(title, "") for title in written]
    problems = [
        Problem(1, title, SheetProblem.UNKNOWN_COLUMN)
        for title, key in zip(written, keys, strict=True)
        if title and not key
    ]
    problems += [
        Problem(1, key, SheetProblem.DUPLICATE_COLUMN)
        for index, key in enumerate(keys)
        if key and key in keys[:index]
    ]
    if "name" not in keys:
        problems.append(Problem(1, "name", SheetProblem.NO_NAME_COLUMN))
    if problems:
        raise CustomerFileRejected(problems)
    read_rows: list[tuple[int, Values]] = []
    for number, row in enumerate(rows, start=2):
        # A row ends at its last cell written: the blank ones after it are blank too.
        values = {key: value for key, value in zip_longest(keys, row) if key}
        if all(_blank(value) for value in values.values()):
            continue
        if len(read_rows) == MAX_ROWS:
            raise refused(SheetProblem.TOO_MANY_ROWS)
        read_rows.append((number, values))
    return read_rows


def _title(value: Cell) -> str:
    return "" if value is None else " ".join(str(value).split()).casefold()


def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
