"""The workbook's sheets of what was sold: every item of the won deals, and the rankings."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from services.reports import export
from services.reports.periods import Choice
from tests.services.reports.test_files import DEFAULTS, LABELS, OLGA
from tests.support.reports_seed import BAKU, NOW, week
from tests.support.sold_seed import sold_week


async def workbook(session: AsyncSession, choice: Choice) -> dict[str, list[list[object]]]:
    data = await export.export(session, OLGA, choice, BAKU, DEFAULTS, NOW)
    book = load_workbook(io.BytesIO(export.workbook(data, LABELS)))
    return {
        name: [list(row) for row in book[name].iter_rows(values_only=True)]
        for name in ("Items", "Sold")
    }


async def test_items_of_the_won_deals_and_what_each_manager_sold(session: AsyncSession) -> None:
    await week(session)
    await sold_week(session)
    # The last 7 days: Tue 24 Feb to Mon 2 Mar; deal 9 was won on Tue 15:00, deal 1 Wed 12:00.
    sheets = await workbook(session, Choice.LAST_7)
    tue, wed = datetime(2026, 2, 24, 15, 0), datetime(2026, 2, 25, 12, 0)
    # Quantity × price − discount = amount; VAT is 18/118 of the amount (prices include it).
    assert sheets["Items"] == [
        [f"i{n}" for n in range(12)],
        [9, tue, "Bako", "D-1", "Дверь", "Doors", 1, "PIECE", 250, 12.5, 36.23, 237.5],
        [9, tue, "Bako", "W-1", "Окно", "Windows", 1, "PIECE", 300, 15, 43.47, 285],
        [1, wed, "Anna", "W-1", "Окно", "Windows", 2, "PIECE", 300, 95.56, 76.95, 504.44],
        [1, wed, "Anna", "G-1", "Стекло", "Windows", 3.5, "M2", 45.5, 10.49, 22.69, 148.76],
        [1, wed, "Anna", None, "Монтаж", "-", 3, "H", 20, 3.95, 8.55, 56.05],
    ]
    assert sheets["Sold"] == [
        [f"s{n}" for n in range(8)],
        ["ALL", "P", 1, "Окно", "W-1", 3, "PIECE", 789.44],
        ["ALL", "P", 2, "Дверь", "D-1", 1, "PIECE", 237.5],
        ["ALL", "P", 3, "Стекло", "G-1", 3.5, "M2", 148.76],
        ["ALL", "P", 4, "Монтаж", None, 3, "H", 56.05],
        ["ALL", "C", 1, "Windows", None, None, None, 938.2],
        ["ALL", "C", 2, "Doors", None, None, None, 237.5],
        ["ALL", "C", 3, "-", None, None, None, 56.05],
        ["Anna", "P", 1, "Окно", "W-1", 2, "PIECE", 504.44],
        ["Anna", "P", 2, "Стекло", "G-1", 3.5, "M2", 148.76],
        ["Anna", "P", 3, "Монтаж", None, 3, "H", 56.05],
        ["Anna", "C", 1, "Windows", None, None, None, 653.2],
        ["Anna", "C", 2, "-", None, None, None, 56.05],
        ["Bako", "P", 1, "Окно", "W-1", 1, "PIECE", 285],
        ["Bako", "P", 2, "Дверь", "D-1", 1, "PIECE", 237.5],
        ["Bako", "C", 1, "Windows", None, None, None, 285],
        ["Bako", "C", 2, "Doors", None, None, None, 237.5],
    ]


async def test_a_period_with_nothing_sold_has_the_headers_only(session: AsyncSession) -> None:
    await week(session)
    await sold_week(session)
    sheets = await workbook(session, Choice.TODAY)
    assert [len(rows) for rows in sheets.values()] == [1, 1]
