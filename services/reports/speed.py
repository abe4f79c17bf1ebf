"""Speed of first responses: how many requests were answered, the median and 90th percentile
wait, SLA breaches in working time, and each manager's median, in one ranked pass over the
period's requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import CTE, ColumnElement, ScalarSelect, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.models import Deal, Event
from services.reports.periods import Period
from services.reports.queries import created_in
from services.reports.settings import Sla
from services.reports.sql import (
    EPSILON,
    MEDIAN,
    P90,
    constants,
    epoch,
    interpolate,
    near,
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
    c = cohort(period).c
    response = c.answered - c.created
    order = response.asc().nulls_last()  # the answered first, on both databases
    ranked = select(
        c.manager_id,
        response.label("wait"),
        func.count().over().label("requests"),
        func.count(c.answered).over().label("answered"),
        func.sum(case((wait(c.created, c.answered, period, sla, now).late, 1), else_=0))
        .over()
        .label("breaches"),
        func.row_number().over(order_by=order).label("rn"),
        func.count(c.answered).over(partition_by=c.manager_id).label("n_m"),
        func.row_number().over(partition_by=c.manager_id, order_by=order).label("rn_m"),
    ).subquery()
    r = ranked.c
    picked = select(r.manager_id, r.wait, r.requests, r.answered, r.breaches, r.rn, r.rn_m, r.n_m)
    rows = await session.execute(
        picked.where(
            or_(
                r.rn == 1,
                near(r.rn, r.answered, MEDIAN),
                near(r.rn, r.answered, P90),
                and_(r.manager_id.is_not(None), near(r.rn_m, r.n_m, MEDIAN)),
            )
        )
    )
    return _collect(list(rows.all()))


def _collect(rows: list[Any]) -> Speed:
    """Only the rows at the quantiles' ranks came back; each carries the totals."""
    if not rows:
        return Speed(0, 0, None, None, 0)
    overall: dict[int, float] = {}
    mine: dict[int, dict[int, float]] = {}
    sizes: dict[int, int] = {}
    for manager, raw, _requests, answered, _breaches, rn, rn_m, n_m in rows:
        if raw is None:
            continue
        waited = round(float(raw), 3)  # to the millisecond: SQLite's float noise is below
        if rn <= answered:
            overall[int(rn)] = waited
        if manager is not None and rn_m <= n_m:
            mine.setdefault(manager, {})[int(rn_m)] = waited
            sizes[manager] = int(n_m)
    _m, _w, requests, answered, breaches, *_ = rows[0]
    by_manager = {}
    for manager, ranks in mine.items():
        median = interpolate(ranks, sizes[manager], MEDIAN)
        if median is not None:
            by_manager[manager] = median
    return Speed(
        requests=int(requests),
        answered=int(answered),
        median=interpolate(overall, int(answered), MEDIAN),
        p90=interpolate(overall, int(answered), P90),
        breaches=int(breaches or 0),
        by_manager=by_manager,
    )
