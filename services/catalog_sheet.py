"""The catalog's spreadsheet as cells: the columns, writing a workbook from plain rows, and
reading the first sheet of one sent back into rows of cell values by column name, refusing a
file that is not one, is too large or has an odd header. Blocking work: run it in a thread."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation

from services.catalog import UNITS
from services.errors import ErrorCode
from services.sheet_problems import FileProblem, FileRejected, Problem
from services.workbooks import MAX_ROWS, Cell, Values, blank, first_sheet, table

__all__ = [
    "COLUMNS",
    "EXAMPLE",
    "MAX_ROWS",
    "NO",
    "READ_ONLY",
    "SHEET",
    "UNITS_SHEET",
    "YES",
    "CatalogFileRejected",
    "FileProblem",
    "Problem",
    "Read",
    "read",
    "workbook",
]

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


class CatalogFileRejected(FileRejected):
    code = ErrorCode.CATALOG_FILE
    columns = COLUMNS


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
    """The first sheet's rows below its header, blank ones left out, each row's blank cells
    too; CatalogFileRejected for a file too large or not a workbook, more than MAX_ROWS rows,
    or an odd header (every column is needed but the measure set and formula)."""
    return first_sheet(data, _rows, CatalogFileRejected, FileProblem.NOT_XLSX)


def _rows(found: Iterable[Sequence[Cell]]) -> Read:
    required = [column for column in COLUMNS if column not in READ_ONLY]
    keys, rows = table(found, _key, required, CatalogFileRejected, MAX_ROWS)
    return Read(
        frozenset(keys),
        [
            (number, {column: value for column, value in values.items() if not blank(value)})
            for number, values in rows
        ],
    )


def _key(title: str) -> str:
    return title if title in COLUMNS else ""
