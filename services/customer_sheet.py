"""The customers as a spreadsheet: the columns, a workbook or CSV written from plain rows under
headers in the reader's language, and a file sent back (.xlsx or CSV) read into rows of cell
values by column, its headers in any language. The catalog's limits hold (services/workbooks.py):
file size, what it unpacks to, rows. Blocking work: run it in a thread."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from services.errors import ErrorCode
from services.reports.sheets import cell, header
from services.sheet_problems import FileProblem, FileRejected
from services.workbooks import MAX_BYTES, MAX_ROWS, Cell, Values, first_sheet, table

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


class CustomerFileRejected(FileRejected):
    code = ErrorCode.CUSTOMER_FILE
    columns = COLUMNS


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
    """The rows that hold anything, each with its number in the sheet, by column key (blank
    cells too); `titles` are the headers known (folded) with their keys. CustomerFileRejected
    for a file too large or unreadable, more than MAX_ROWS rows, or an odd header (the name
    column is needed)."""
    if len(data) > MAX_BYTES:
        raise CustomerFileRejected.whole(FileProblem.TOO_BIG)
    if is_csv:
        return _rows(_csv_rows(data), titles)
    return first_sheet(
        data, lambda found: _rows(found, titles), CustomerFileRejected, FileProblem.NOT_READABLE
    )


def _csv_rows(data: bytes) -> list[list[str]]:
    # Excel's "Unicode text" is UTF-16 after a byte order mark, its cells between tabs.
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    try:
        text = data.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError:
        raise CustomerFileRejected.whole(FileProblem.NOT_READABLE) from None
    first = text.split("\n", 1)[0]
    # Spreadsheet apps in some languages write ";" between cells.
    delimiter = max(_CSV_DELIMITERS, key=first.count)
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error:
        raise CustomerFileRejected.whole(FileProblem.NOT_READABLE) from None


def _rows(found: Iterable[Sequence[Cell]], titles: Mapping[str, str]) -> list[tuple[int, Values]]:
    _keys, rows = table(
        found, lambda title: titles.get(title, ""), ("name",), CustomerFileRejected, MAX_ROWS
    )
    return rows
