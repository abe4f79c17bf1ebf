"""What was sold: the lines of the deals won in the period, counted as the deals' amounts are."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from services.db.catalog import DealItem, SalesSettings
from services.db.deals import Deal
from services.item_views import deal_items
from services.reports import sold
from services.reports.periods import Span, period
from tests.support.reports_seed import ANNA, BAKO, BAKU, NEW, NOW, WON, Seed, local, week
from tests.support.sold_seed import (
    DEAL_1_AMOUNT,
    DEAL_9_AMOUNT,
    DOOR,
    DOORS,
    FITTING,
    GLASS,
    WINDOW,
    WINDOWS,
    item,
    sold_week,
)

WEEK = period(Span.WEEK, date(2026, 2, 23), BAKU, NOW)


def products(ranked: tuple[sold.ProductSold, ...]) -> list[tuple[int, str, str]]:
    return [(p.product_id, str(p.quantity.normalize()), str(p.amount)) for p in ranked]


def categories(ranked: tuple[sold.CategorySold, ...]) -> list[tuple[int | None, str]]:
    return [(c.category_id, str(c.amount)) for c in ranked]


async def test_each_line_is_paid_what_its_deal_counts(session: AsyncSession) -> None:
    await week(session)
    await sold_week(session)
    lines = await sold.lines(session, WEEK)
    # Deal 9 was won on Tuesday, deal 1 on Wednesday; deal 3 (lost) and 13 (won before) not.
    assert [(line.deal_id, line.product_id) for line in lines] == [
        (9, DOOR), (9, WINDOW), (1, WINDOW), (1, GLASS), (1, FITTING),
    ]  # fmt: skip
    assert [(str(line.discount), str(line.amount)) for line in lines] == [
        ("12.50", "237.50"), ("15.00", "285.00"),
        ("95.56", "504.44"), ("10.49", "148.76"), ("3.95", "56.05"),
    ]  # fmt: skip
    for deal_id, amount in ((1, DEAL_1_AMOUNT), (9, DEAL_9_AMOUNT)):
        paid = sum((line.amount for line in lines if line.deal_id == deal_id), Decimal(0))
        assert paid == amount == (await deal_items(session, deal_id)).totals.total
        assert paid == (await session.get_one(Deal, deal_id)).amount
    first = lines[2]
    assert (first.manager, first.code, first.unit, first.category_names) == (
        "Anna", "W-1", "piece", {"en": "Windows", "ru": "Окна"},
    )  # fmt: skip
    assert first.closed == local(25, 12)


async def test_with_vat_added_to_prices_a_line_is_paid_with_its_vat(
    session: AsyncSession,
) -> None:
    await week(session)
    await sold_week(session)
    # Added while VAT was added on top of prices; the owner has switched the setting since.
    await session.execute(update(DealItem).values(vat_included=False))
    session.add(SalesSettings(id=1, vat_included=True, manager_discount_limit=10, updated_at=NOW))
    await session.commit()
    lines = await sold.lines(session, WEEK)
    for deal_id in (1, 9):
        shown = await deal_items(session, deal_id)
        assert shown.totals.vat > 0 and not shown.totals.vat_included
        paid = sum((line.amount for line in lines if line.deal_id == deal_id), Decimal(0))
        assert paid == shown.totals.total
        assert [line.amount for line in lines if line.deal_id == deal_id] == [
            t.gross - t.discount - t.shared + t.vat for t in shown.totals.lines
        ]


async def test_products_and_categories_ranked_overall_and_per_manager(
    session: AsyncSession,
) -> None:
    await week(session)
    await sold_week(session)
    found = await sold.sold(session, WEEK)
    assert found.currency == "AZN" and not found.empty
    overall = found.overall
    assert overall.amount == DEAL_1_AMOUNT + DEAL_9_AMOUNT
    # Window: 504.44 + 285.00 for 2 + 1 pieces.
    assert products(overall.by_amount) == [
        (WINDOW, "3", "789.44"), (DOOR, "1", "237.50"),
        (GLASS, "3.5", "148.76"), (FITTING, "3", "56.05"),
    ]  # fmt: skip
    # 3 windows and 3 hours of fitting: the larger amount first.
    assert [p.product_id for p in overall.by_quantity] == [GLASS, WINDOW, FITTING, DOOR]
    # Windows: 504.44 + 148.76 + 285.00; fitting has no category.
    assert categories(overall.categories) == [
        (WINDOWS, "938.20"), (DOORS, "237.50"), (None, "56.05"),
    ]  # fmt: skip
    anna, bako = found.managers
    assert (anna.user_id, anna.name, anna.ranking.amount) == (ANNA, "Anna", DEAL_1_AMOUNT)
    assert products(anna.ranking.by_amount) == [
        (WINDOW, "2", "504.44"), (GLASS, "3.5", "148.76"), (FITTING, "3", "56.05"),
    ]  # fmt: skip
    assert categories(anna.ranking.categories) == [(WINDOWS, "653.20"), (None, "56.05")]
    assert (bako.user_id, bako.ranking.amount) == (BAKO, DEAL_9_AMOUNT)
    assert categories(bako.ranking.categories) == [(WINDOWS, "285.00"), (DOORS, "237.50")]


async def test_a_period_with_nothing_sold(session: AsyncSession) -> None:
    await week(session)
    await sold_week(session)
    found = await sold.sold(session, period(Span.DAY, date(2026, 3, 1), BAKU, NOW))
    assert found.empty and found.managers == () and found.overall.amount == 0


@contextmanager
def selects(engine: AsyncEngine) -> Iterator[list[str]]:
    run: list[str] = []

    def executed(*args: object) -> None:
        if str(args[2]).lstrip().upper().startswith("SELECT"):
            run.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", executed)
    try:
        yield run
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", executed)


async def test_many_deals_are_read_in_a_few_queries(
    engine: AsyncEngine, session: AsyncSession
) -> None:
    await week(session)
    await sold_week(session)
    with selects(engine) as few:
        assert len(await sold.lines(session, WEEK)) == 5
    seed = Seed(session, customer=100)
    for n in range(60):
        at = WEEK.start + timedelta(hours=1 + n % 10)
        deal_id = await seed.deal(at, "web", ANNA, moves=((NEW, WON, at),), closed=at)
        await item(session, deal_id, WINDOW, "1", ("percent", "5"))
        await item(session, deal_id, DOOR, "2")
    await session.commit()
    with selects(engine) as many:
        assert len(await sold.lines(session, WEEK)) == 5 + 120
    assert len(many) == len(few) <= 3
