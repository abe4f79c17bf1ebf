"""The catalog's spreadsheet as cells: the columns, writing a workbook from plain rows, and
reading the first sheet of one sent back into rows of cell values by column name, refusing a
file that is not one, is too large or has an odd header. Blocking work: run it in a thread."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation

from services.catalog import UNITS
from services.errors import ErrorCode, InvalidInput
from services.workbooks import WorkbookRefused, first_sheet

SHEET = "Catalog"
UNITS_SHEET = "Units"
# `id` and `code` find the product a row updates; `measure_set` and `formula` are only shown
# (they are set in the bot), and may be left out of a file.
COLUMNS = (
    "id",
    "code",
    "name_en",
    "name_az",
    "name_ru",
    "category_en",
    "category_az",
    "category_ru",
    "unit",
    "price",
    "vat_rate",
    "stock",
    "active",
    "measure_set",
    "formula",
)
READ_ONLY = ("measure_set", "formula")
YES, NO = "yes", "no"
MAX_ROWS = 10_000
MAX_PROBLEMS = 50
_FORMATS = {"id": "0", "price": "#,##0.00", "vat_rate": "0.00", "stock": "#,##0.000"}
_WIDTHS = {"name_en": 28, "name_az": 28, "name_ru": 28, "formula": 30}
_WIDE_NAMES = ("category_en", "category_az", "category_ru", "measure_set")

# The template's row.
EXAMPLE: tuple[object, ...] = (
    None,
    "LAM-8",
    "Laminate 8 mm",
    "Laminat 8 mm",
    "Ламинат 8 мм",
    "Floors",
    "Döşəmə",
    "Полы",
    "m2",
    Decimal("25.50"),
    Decimal(18),
    Decimal(120),
    YES,
    None,
    None,
)


class FileProblem(StrEnum):
    """What is wrong where no ErrorCode says it."""

    NOT_XLSX = "not_xlsx"
    TOO_BIG = "too_big"
    TOO_MANY_ROWS = "too_many_rows"
    NO_HEADER = "no_header"
    UNKNOWN_COLUMN = "unknown_column"
    MISSING_COLUMN = "missing_column"
    DUPLICATE_COLUMN = "duplicate_column"
    UNIT = "unit"
    YES_NO = "yes_no"
    DUPLICATE = "duplicate"
    NO_PRODUCT = "no_product"
    CATEGORY = "category"
    READ_ONLY = "read_only"


@dataclass(frozen=True)
class Problem:
    """Row as the spreadsheet numbers it (the header is 1; 0: the whole file), and the column
    by its header ("" for the whole file or row)."""

    row: int
    column: str
    code: ErrorCode | FileProblem


class CatalogFileRejected(InvalidInput):
    """The file is refused and nothing was changed: its first problems (at most
    MAX_PROBLEMS, by row) and how many more there are."""

    code = ErrorCode.CATALOG_FILE

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__()
        ordered = sorted(problems, key=lambda p: (p.row, _order(p.column)))
        self.problems = ordered[:MAX_PROBLEMS]
        self.more = len(ordered) - len(self.problems)


def _order(column: str) -> int:
    return COLUMNS.index(column) if column in COLUMNS else len(COLUMNS)


def refused(code: ErrorCode | FileProblem) -> CatalogFileRejected:
    """The whole file refused for one reason."""
    return CatalogFileRejected([Problem(0, "", code)])


Cell = object
Values = dict[str, Cell]


@dataclass(frozen=True)
class Read:
    """The rows that hold anything, each with its number in the sheet; `columns` are those the
    header has."""

    columns: frozenset[str]
    rows: list[tuple[int, Values]]


def workbook(rows: Iterable[Sequence[Cell]], example: bool = False) -> bytes:
    """A sheet of the columns and these rows in their order; with `example`, the units listed on
    a second sheet too."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        width = _WIDTHS.get(column, 20 if column in _WIDE_NAMES else 12)
        sheet.column_dimensions[get_column_letter(index)].width = width
    _validate(sheet, "unit", ",".join(UNITS))
    _validate(sheet, "active", f"{YES},{NO}")
    header = []
    for title in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append(
            [_cell(sheet, column, value) for column, value in zip(COLUMNS, row, strict=True)]
        )
    if example:
        units = book.create_sheet(UNITS_SHEET)
        heading = WriteOnlyCell(units, value="unit")
        heading.font = Font(bold=True)
        units.append([heading])
        for unit in UNITS:
            units.append([unit])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _validate(sheet: WriteOnlyWorksheet, column: str, choices: str) -> None:
    letter = get_column_letter(COLUMNS.index(column) + 1)
    rule = DataValidation(
        type="list", formula1=f'"{choices}"', allow_blank=True, showErrorMessage=True
    )
    rule.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    # Set up by the worksheet's constructor; the type stubs don't know it.
    sheet.data_validations.append(rule)  # type: ignore[attr-defined]


def _cell(sheet: WriteOnlyWorksheet, column: str, value: Cell) -> Cell:
    if value is None or column not in _FORMATS:
        return value
    # A Decimal is written as it is, digit for digit.
    cell = WriteOnlyCell(sheet, value=cast(Any, value))
    cell.number_format = _FORMATS[column]
    return cell


def read(data: bytes) -> Read:
    """The first sheet's rows below its header, blank ones left out; CatalogFileRejected for a
    file too large or not a workbook, more than MAX_ROWS rows, or an odd header."""
    try:
        return first_sheet(data, _rows, CatalogFileRejected)
    except WorkbookRefused as error:
        raise refused(FileProblem.TOO_BIG if error.too_big else FileProblem.NOT_XLSX) from None


def _rows(found: Iterable[tuple[Cell, ...]]) -> Read:
    rows = iter(found)
    header = next(rows, ())
    names = [_title(value) for value in header]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise refused(FileProblem.NO_HEADER)
    # A column without a title is left out; one with a title the catalog doesn't know is not.
    problems = [
        Problem(1, name, FileProblem.UNKNOWN_COLUMN)
        for name in names
        if name and name not in COLUMNS
    ]
    problems += [
        Problem(1, name, FileProblem.DUPLICATE_COLUMN)
        for index, name in enumerate(names)
        if name in COLUMNS and name in names[:index]
    ]
    problems += [
        Problem(1, column, FileProblem.MISSING_COLUMN)
        for column in COLUMNS
        if column not in names and column not in READ_ONLY
    ]
    if problems:
        raise CatalogFileRejected(problems)
    read_rows: list[tuple[int, Values]] = []
    for number, row in enumerate(rows, start=2):
        values = {
            name: value
            for name, value in zip(names, row, strict=False)
            if name and not _blank(value)
        }
        if not values:
            continue
        if len(read_rows) == MAX_ROWS:
            raise refused(FileProblem.TOO_MANY_ROWS)
        read_rows.append((number, values))
    return Read(frozenset(names), read_rows)


def _title(value: Cell) -> str:
    return "" if value is None else str(value).strip().casefold()


def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
