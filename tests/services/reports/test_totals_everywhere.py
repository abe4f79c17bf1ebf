"""A deal's total is one figure wherever it is shown: its amount, the card, the items screen,
the report's lines of what was sold and the export's Items sheet."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import create_i18n
from presentation.deals.card import Reader, card_text
from presentation.items import items_text
from services.db.catalog import SalesSettings
from services.db.deals import Deal
from services.item_views import deal_items
from services.reports import export, sold
from services.reports.periods import Choice
from services.views import deal_card
from tests.services.reports.test_files import DEFAULTS, LABELS, OLGA
from tests.services.reports.test_sold import WEEK
from tests.support.reports_seed import BAKU, NOW, week
from tests.support.sold_seed import DEAL_1_AMOUNT, DEAL_9_AMOUNT, sold_week


async def test_each_deal_shows_one_total_everywhere(session: AsyncSession) -> None:
    await week(session)
    await sold_week(session)
    await _one_total_everywhere(session)


async def test_the_owner_switching_vat_changes_no_deals_total_anywhere(
    session: AsyncSession,
) -> None:
    """The items were added with VAT in their prices: switched to VAT on top since, the card,
    the items screen, the report and the export still show what the deal's amount is."""
    await week(session)
    await sold_week(session)
    session.add(SalesSettings(id=1, vat_included=False, manager_discount_limit=10, updated_at=NOW))
    await session.commit()
    await _one_total_everywhere(session)


async def _one_total_everywhere(session: AsyncSession) -> None:
    """Deals 1 and 9, each at its amount on the card, the items screen, the report and the
    export."""
    lines = await sold.lines(session, WEEK)
    data = await export.export(session, OLGA, Choice.LAST_7, BAKU, DEFAULTS, NOW)
    rows = list(load_workbook(io.BytesIO(export.workbook(data, LABELS)))["Items"].values)[1:]
    reader = Reader(BAKU, "en", "AZN", NOW, True, 1)
    i18n = create_i18n("en")
    for deal_id, amount in ((1, DEAL_1_AMOUNT), (9, DEAL_9_AMOUNT)):
        assert (await session.get_one(Deal, deal_id)).amount == amount
        shown = f"AZN{amount:,.2f}"
        with i18n.context(), i18n.use_locale("en"):
            card = card_text(await deal_card(session, deal_id), reader).splitlines()
            screen = items_text(await deal_items(session, deal_id), reader).splitlines()
        assert f"💰 {shown}" in card
        assert screen[-1] == f"<b>Total: {shown}</b>"
        paid = sum((line.amount for line in lines if line.deal_id == deal_id), Decimal(0))
        assert paid == amount
        in_sheet = sum(Decimal(str(row[-1])) for row in rows if row[0] == deal_id)
        assert in_sheet == amount
