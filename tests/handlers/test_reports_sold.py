"""What was sold: in /report and the weekly digest after the other figures, and in /export's
spreadsheet."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from aiogram.methods import SendDocument, SendMessage
from openpyxl import load_workbook

from bot.sweeps.digests import send_digests
from tests.support.calls import without_answers
from tests.support.harness import Harness, person
from tests.support.reports_seed import week
from tests.support.sold_seed import sold_week

OLGA = person(1, "Olga")
# Deals 9 (Tue) and 1 (Wed) won with items; see tests/support/sold_seed.py for the amounts.
SOLD = """<b>🛒 What was sold</b>
• Window: AZN789.44 · 3 pcs
• Door: AZN237.50 · 1 pcs
• Glass: AZN148.76 · 3.5 m²
• Fitting: AZN56.05 · 3 h
• Top categories: Windows: AZN938.20, Doors: AZN237.50, no category: AZN56.05
<b>Each manager's best seller</b>
• Anna: Window · AZN504.44 · 2 pcs
• Bako: Window · AZN285.00 · 1 pcs"""
LAST_BEFORE = "• Contracts ending within 14 days: 1"


@pytest.fixture
async def seeded(tg: Harness) -> Harness:
    async with tg.app.sessions() as session:
        await week(session)
        await sold_week(session)
    return tg


async def test_the_report_ends_with_what_was_sold(seeded: Harness) -> None:
    _photo, detail = without_answers(await seeded.press(OLGA, "rp:7"))
    assert isinstance(detail, SendMessage)
    assert detail.text.endswith(f"{LAST_BEFORE}\n\n{SOLD}")
    # The won figures count the same deals: 1 000 and 500.50 became 709.25 and 522.50.
    assert "• Won: 2 · AZN1,231.75" in detail.text


async def test_the_weekly_digest_shows_it_and_a_day_with_nothing_sold_does_not(
    seeded: Harness,
) -> None:
    assert await send_digests(seeded.app) == 2
    _daily_photo, daily, _weekly_photo, weekly = await seeded.deliver()
    assert isinstance(daily, SendMessage) and isinstance(weekly, SendMessage)
    assert daily.text.endswith(LAST_BEFORE)
    assert "What was sold" not in daily.text
    assert weekly.text.endswith(f"{LAST_BEFORE}\n\n{SOLD}")


async def test_the_spreadsheet_lists_the_items_and_what_each_manager_sold(
    seeded: Harness,
) -> None:
    [document] = without_answers(await seeded.press(OLGA, "rx:7:x"))
    assert isinstance(document, SendDocument)
    book = load_workbook(io.BytesIO(document.document.data))
    assert book.sheetnames == ["Requests", "Managers", "Items", "Sold"]
    items = list(book["Items"].iter_rows(values_only=True))
    assert items[0] == (
        "Number", "Won on", "Manager", "Product code", "Product", "Category", "Quantity",
        "Unit", "Price", "Discount", "VAT", "Amount",
    )  # fmt: skip
    assert items[-1] == (
        1, datetime(2026, 2, 25, 12, 0), "Anna", None, "Fitting", "no category", 3, "h", 20,
        3.95, 8.55, 56.05,
    )  # fmt: skip
    sold = list(book["Sold"].iter_rows(values_only=True))
    assert sold[0] == (
        "Manager", "Ranking", "Rank", "Name", "Product code", "Quantity", "Unit", "Amount",
    )  # fmt: skip
    assert sold[1] == ("Everyone", "Products", 1, "Window", "W-1", 3, "pcs", 789.44)
    assert sold[5] == ("Everyone", "Categories", 1, "Windows", None, None, None, 938.2)
    assert sold[-1] == ("Bako", "Categories", 2, "Doors", None, None, None, 237.5)
