"""Speed of first responses: how many requests were answered, the median and 90th percentile
wait, SLA breaches in working time, and each manager's median, in one statement over the
period's requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import CTE, ColumnElement, ScalarSelect, and_, case, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.deals import Deal, Event
from services.reports.periods import Period
from services.reports.queries import created_in
from services.reports.ranks import at_ranks
from services.reports.settings import Sla
from services.reports.sql import (
    EPSILON,
    MEDIAN,
    P90,
    constants,
    epoch,
    interpolate,
    number,
    working_clock,
)

FIRST_RESPONSE = ("taken", "first_response")


def first_answer() -> ScalarSelect[datetime]:
    """When the deal was first answered (Take or first reply), from the events, which a later
    hand-over does not erase as it does `taken_at`."""
    return (
        select(func.min(Event.created_at))
        .where(Event.deal_id == Deal.id, Event.kind.in_(constants(*FIRST_RESPONSE)))
        .scalar_subquery()
    )


def cohort(period: Period) -> CTE:
    """Requests of the period: who handles them, when they came and were first answered, as
    epoch seconds. Materialized, so each first answer is looked up once, not once per use."""
    return (
        select(
            Deal.manager_id.label("manager_id"),
            epoch(Deal.created_at).label("created"),
            epoch(first_answer()).label("answered"),
        )
        .where(created_in(period))
        .cte("cohort")
        .prefix_with("MATERIALIZED")
    )


@dataclass(frozen=True)
class Wait:
    """How long a request waited for its first answer (until now when there is none yet)."""

    wall: ColumnElement[float]
    worked: ColumnElement[float]
    sla: float

    @property
    def late(self) -> ColumnElement[bool]:
        """Longer than the SLA in working time. Wall-clock waits within the SLA are cleared
        first, so the working clock is read only for the few that may be late."""
        limit = number(self.sla + EPSILON)
        return and_(self.wall > limit, self.worked > limit)


def wait(
    created: ColumnElement[Any],
    answered: ColumnElement[Any],
    period: Period,
    sla: Sla,
    now: datetime,
) -> Wait:
    until: ColumnElement[Any] = func.coalesce(answered, number(now.timestamp()))
    intervals = [
        (a.timestamp(), b.timestamp())
        for a, b in sla.schedule.intervals(period.start, max(now, period.end), period.zone)
    ]
    worked = working_clock(until, intervals) - working_clock(created, intervals)
    return Wait(until - created, worked, sla.length.total_seconds())


@dataclass(frozen=True)
class Speed:
    requests: int
    answered: int
    median: float | None  # seconds
    p90: float | None
    breaches: int
    by_manager: dict[int, float] = field(default_factory=dict)  # median, per deal's manager


async def speed(session: AsyncSession, period: Period, sla: Sla, now: datetime) -> Speed:
    """One statement over the materialized requests: totals from a plain aggregate, and only
    the waits at the quantiles' ranks, overall and per manager, from the answered ones."""
    c = cohort(period).c
    late = case((wait(c.created, c.answered, period, sla, now).late, 1), else_=0)
    totals = select(
        func.count().label("requests"),
        func.count(c.answered).label("answered"),
        func.coalesce(func.sum(late), 0).label("breaches"),
    ).subquery("totals")
    waits = (
        select(c.manager_id.label("key"), (c.answered - c.created).label("value"))
        .where(c.answered.is_not(None))
        .subquery("waits")
    )
    ranked = at_ranks(waits, (MEDIAN, P90), (MEDIAN,)).subquery("ranked")
    t, r = totals.c, ranked.c
    rows = await session.execute(
        select(t.requests, t.answered, t.breaches, r.key, r.value, r.rank, r.size).select_from(
            totals.outerjoin(ranked, true())
        )
    )
    return _collect(list(rows.all()))


def _collect(rows: list[Any]) -> Speed:
    """Each row carries the totals, and one wait at a wanted rank: overall when it has no
    manager (none at all when nothing was answered)."""
    requests, answered, breaches = (int(v or 0) for v in rows[0][:3])
    overall: dict[int, float] = {}
    mine: dict[int, dict[int, float]] = {}
    sizes: dict[int, int] = {}
    for *_totals, manager, raw, rank, size in rows:
        if raw is None:
            continue
        waited = round(float(raw), 3)  # to the millisecond: SQLite's float noise is below
        if manager is None:
            overall[int(rank)] = waited
        else:
            mine.setdefault(manager, {})[int(rank)] = waited
            sizes[manager] = int(size)
    by_manager = {}
    for manager, ranks in mine.items():
        median = interpolate(ranks, sizes[manager], MEDIAN)
        if median is not None:
            by_manager[manager] = median
    return Speed(
        requests=requests,
        answered=answered,
        median=interpolate(overall, answered, MEDIAN),
        p90=interpolate(overall, answered, P90),
        breaches=breaches,
        by_manager=by_manager,
    )
