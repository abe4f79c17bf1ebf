"""Every figure of a report over a fixed week, computed by SQL on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import Actor
from services.errors import AccessDenied
from services.reports import report
from services.reports.periods import Choice, Span, period
from services.reports.queries import Outcomes
from services.reports.settings import OwnerSettings
from services.reports.speed import Speed
from services.reports.worktime import parse_schedule
from tests.support.reports_seed import ANNA, BAKO, BAKU, NOW, week

DEFAULTS = OwnerSettings(True, True, 9 * 60, 15, parse_schedule("mon-fri 09:00-18:00"))
WEEK = period(Span.WEEK, date(2026, 2, 23), BAKU, NOW)
MINUTE = 60.0


@pytest.fixture
async def seeded(session: AsyncSession) -> AsyncSession:
    await week(session)
    return session


async def test_new_requests_by_source_against_the_week_before(seeded: AsyncSession) -> None:
    got = await report.build(seeded, WEEK, DEFAULTS.sla, NOW)
    assert (got.new, got.new_before) == (8, 3)
    assert [(s.source, s.count, s.before) for s in got.sources] == [
        ("telegram", 4, 2),
        ("web", 2, 1),
        ("phone", 1, 0),
        ("manual", 1, 0),
    ]
    # Local days, Monday first: deal 4 (Tue in UTC) counts on Wednesday, deal 12 not at all.
    assert got.per_day == [2, 1, 1, 1, 1, 1, 1]


async def test_funnel_counts_the_furthest_stage_each_request_reached(
    seeded: AsyncSession,
) -> None:
    got = await report.build(seeded, WEEK, DEFAULTS.sla, NOW)
    assert [(s.names["en"], s.reached) for s in got.funnel] == [
        ("New", 8),
        ("Contacted", 4),
        ("Proposal", 3),
        ("Invoice sent", 2),
        ("Won", 1),
    ]
    assert [s.conversion for s in got.funnel] == [None, 0.5, 0.75, 2 / 3, 0.5]


async def test_won_and_lost_during_the_period_with_top_reasons(seeded: AsyncSession) -> None:
    got = await report.build(seeded, WEEK, DEFAULTS.sla, NOW)
    assert got.outcomes == Outcomes(
        won=2, won_amount=Decimal("1500.50"), lost=3, reasons=[("price", 2), ("other", 1)]
    )


async def test_speed_median_p90_and_working_hours_sla(seeded: AsyncSession) -> None:
    got = await report.build(seeded, WEEK, DEFAULTS.sla, NOW)
    # Waits in minutes: 5, 10, 10, 15, 344, 925, 3796; p90 = 925 + 0.4 * (3796 - 925).
    assert got.speed == Speed(
        requests=8,
        answered=7,
        median=15 * MINUTE,
        p90=2073.4 * MINUTE,
        breaches=3,
        # Medians per deal's manager: Anna 5, 15, 925, 3796 → 470; Bako 10, 10, 344 → 10.
        by_manager={ANNA: 470 * MINUTE, BAKO: 10 * MINUTE},
    )


async def test_a_longer_sla_or_no_working_days_clears_breaches(seeded: AsyncSession) -> None:
    relaxed = OwnerSettings(True, True, 540, 30, DEFAULTS.schedule)
    assert (await report.build(seeded, WEEK, relaxed.sla, NOW)).speed.breaches == 1  # deal 6 only
    every_day = OwnerSettings(True, True, 540, 15, parse_schedule("mon-sun 00:00-24:00"))
    # Around the clock, wall time is working time: deals 2, 4, 5 and 6 waited longer.
    assert (await report.build(seeded, WEEK, every_day.sla, NOW)).speed.breaches == 4


async def test_people_and_attention(seeded: AsyncSession) -> None:
    got = await report.build(seeded, WEEK, DEFAULTS.sla, NOW)
    assert [
        (p.name, p.open_deals, p.won, p.won_amount, p.median, p.overdue_tasks) for p in got.people
    ] == [
        ("Anna", 4, 1, Decimal("1000"), 470 * MINUTE, 1),
        ("Bako", 2, 1, Decimal("500.50"), 10 * MINUTE, 0),
    ]
    assert got.stale_deals == 3  # deals 2, 4 and 8: nothing since before Fri 27 Feb 13:00
    assert got.overdue_tasks == 1
    # 16 March is 14 days after 2 March: in; 17 March is not; a contract not renewing is not.
    assert got.contracts_ending == 1


async def test_an_empty_period_has_zeros_not_errors(seeded: AsyncSession) -> None:
    empty = period(Span.DAY, date(2026, 1, 5), BAKU, NOW)
    got = await report.build(seeded, empty, DEFAULTS.sla, NOW)
    assert (got.new, got.per_day, [s.reached for s in got.funnel]) == (0, [0], [0] * 5)
    assert got.speed == Speed(0, 0, None, None, 0)
    assert got.outcomes == Outcomes(0, Decimal(0), 0, [])


async def test_only_owners_get_reports(seeded: AsyncSession) -> None:
    anna = Actor(user_id=2, tg_id=200, role="manager", first_name="Anna", locale="en")
    with pytest.raises(AccessDenied):
        await report.on_demand(seeded, anna, Choice.TODAY, BAKU, DEFAULTS, NOW)
    olga = Actor(user_id=1, tg_id=1, role="owner", first_name="Olga", locale="en")
    today = await report.on_demand(seeded, olga, Choice.TODAY, BAKU, DEFAULTS, NOW)
    assert (today.period.first, today.new, today.period.end) == (date(2026, 3, 2), 1, NOW)
    assert today.previous.end == NOW - timedelta(days=1)
