"""What every sheet of the exported workbook shares: a bold header row, dates in local time."""

from __future__ import annotations

from datetime import datetime

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

DATE_FORMAT = "yyyy-mm-dd hh:mm"


def header(sheet: WriteOnlyWorksheet, titles: list[str]) -> None:
    cells = []
    for title in titles:
        bold = WriteOnlyCell(sheet, value=title)
        bold.font = Font(bold=True)
        cells.append(bold)
    sheet.append(cells)


def cell(sheet: WriteOnlyWorksheet, value: object) -> object:
    """A date (local, naive: spreadsheets know no zones) shown as one; anything else as is."""
    if isinstance(value, datetime):
        dated = WriteOnlyCell(sheet, value=value)
        dated.number_format = DATE_FORMAT
        return dated
    return value
