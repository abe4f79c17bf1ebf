"""The report's figures, each one an SQL aggregate over the period's deals and their events;
no deal is loaded into Python."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.deals import Deal, Event, Stage
from services.lead_sources import shown_source
from services.reports.periods import Period
from services.reports.sql import bucket, constants, greatest

STAGE_MOVES = ("stage", "reopened")
STALE_AFTER = timedelta(days=3)
OTHER = "other"


def created_in(period: Period) -> ColumnElement[bool]:
    return and_(Deal.created_at >= period.start, Deal.created_at < period.end)


def closed_in(period: Period) -> ColumnElement[bool]:
    return and_(Deal.closed_at >= period.start, Deal.closed_at < period.end)


@dataclass(frozen=True)
class NewRequests:
    by_source: dict[str, int]
    per_day: list[int]  # on each local day of the period


async def new_requests(session: AsyncSession, period: Period) -> NewRequests:
    """One pass over the period's requests, by source (a request entered by hand by its lead
    source) and by local day (company zone)."""
    starts = period.day_starts()
    day = bucket(Deal.created_at, starts).label("day")
    rows = await session.execute(
        select(Deal.source, Deal.source_detail, day, func.count())
        .where(created_in(period))
        .group_by(Deal.source, Deal.source_detail, day)
    )
    by_source: dict[str, int] = {}
    per_day = [0] * len(starts)
    for source, detail, index, n in rows.all():
        shown = shown_source(source, detail)
        by_source[shown] = by_source.get(shown, 0) + int(n)
        per_day[int(index)] += int(n)
    return NewRequests(by_source, per_day)


async def funnel(session: AsyncSession, period: Period, flow: Sequence[int]) -> list[int]:
    """How many of the period's requests reached each stage of the flow, or a later one.

    A deal reached a stage when an event moved it there or it is there now; every deal starts
    in the first stage. Counting "or later" keeps the funnel whole when a stage is skipped."""
    ranks = {stage_id: rank for rank, stage_id in enumerate(flow)}
    moved = (
        select(func.max(case({str(k): v for k, v in ranks.items()}, value=Event.to_value)))
        .where(Event.deal_id == Deal.id, Event.kind.in_(constants(*STAGE_MOVES)))
        .scalar_subquery()
    )
    now_at = case(ranks, value=Deal.stage_id, else_=0)
    furthest = greatest(now_at, func.coalesce(moved, 0)).label("furthest")
    rows = await session.execute(
        select(furthest, func.count()).where(created_in(period)).group_by(furthest)
    )
    at_most = [0] * len(flow)
    for rank, n in rows.all():
        at_most[int(rank)] += int(n)
    return [sum(at_most[rank:]) for rank in range(len(flow))]


@dataclass(frozen=True)
class Outcomes:
    won: int
    won_amount: Decimal
    lost: int
    reasons: list[tuple[str | None, int]]


def reason_group() -> ColumnElement[str | None]:
    """ "other:<their words>" counts as one reason."""
    return case((Deal.lost_reason.like(f"{OTHER}:%"), OTHER), else_=Deal.lost_reason)


async def outcomes(session: AsyncSession, period: Period, top: int = 3) -> Outcomes:
    """Deals won and lost during the period, whenever they came in."""
    totals = dict(
        (kind, (int(n), amount or Decimal(0)))
        for kind, n, amount in (
            await session.execute(
                select(Stage.kind, func.count(), func.sum(Deal.amount))
                .join(Stage, Stage.id == Deal.stage_id)
                .where(closed_in(period), Stage.kind.in_(("won", "lost")))
                .group_by(Stage.kind)
            )
        ).all()
    )
    reason = reason_group().label("reason")
    rows = await session.execute(
        select(reason, func.count().label("n"))
        .join(Stage, Stage.id == Deal.stage_id)
        .where(closed_in(period), Stage.kind == "lost")
        .group_by(reason)
        .order_by(func.count().desc(), reason)
        .limit(top)
    )
    won, amount = totals.get("won", (0, Decimal(0)))
    return Outcomes(
        won=won,
        won_amount=Decimal(amount),
        lost=totals.get("lost", (0, Decimal(0)))[0],
        reasons=[(r, int(n)) for r, n in rows.all()],
    )


@dataclass(frozen=True)
class PersonFigures:
    open_deals: dict[int, int]
    won: dict[int, tuple[int, Decimal]]


async def people(session: AsyncSession, period: Period) -> PersonFigures:
    """Per person: open deals now, and deals won during the period."""
    open_rows = await session.execute(
        select(Deal.manager_id, func.count())
        .where(Deal.closed_at.is_(None), Deal.manager_id.is_not(None))
        .group_by(Deal.manager_id)
    )
    won_rows = await session.execute(
        select(Deal.manager_id, func.count(), func.sum(Deal.amount))
        .join(Stage, Stage.id == Deal.stage_id)
        .where(closed_in(period), Stage.kind == "won", Deal.manager_id.is_not(None))
        .group_by(Deal.manager_id)
    )
    return PersonFigures(
        open_deals={m: int(n) for m, n in open_rows.all() if m is not None},
        won={m: (int(n), Decimal(a or 0)) for m, n, a in won_rows.all() if m is not None},
    )


def stale(now: datetime) -> ColumnElement[bool]:
    return and_(Deal.closed_at.is_(None), Deal.last_activity_at < now - STALE_AFTER)


async def stale_deals(session: AsyncSession, now: datetime) -> int:
    return int(await session.scalar(select(func.count()).where(stale(now))) or 0)
