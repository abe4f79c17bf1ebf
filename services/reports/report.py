"""A whole report for one period, assembled from the SQL aggregates in queries.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import lead_sources, stages
from services.access import MANAGER, Actor, require_owner
from services.db.users import User
from services.feedback_views import Ratings, by_manager, overall
from services.lead_sources import MANUAL
from services.reports import attention, queries
from services.reports.money import Money, money_of
from services.reports.periods import Choice, Period, choose, previous
from services.reports.settings import OwnerSettings, Sla, settings_of
from services.reports.sold import Sold
from services.reports.sold import sold as sold_in
from services.reports.speed import Speed, speed
from services.users import full_name

# Always listed, even at zero. A request entered by hand is listed under its lead source;
# `manual` (a contract's renewal, or entered before lead sources) only when there is one.
SOURCES = ("telegram", "web", "phone")


@dataclass(frozen=True)
class SourceLine:
    source: str
    count: int
    before: int


@dataclass(frozen=True)
class FunnelStep:
    names: dict[str, str]
    kind: str
    reached: int
    conversion: float | None  # from the step before; None for the first step or from zero


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    open_deals: int
    won: int
    won_amount: Decimal
    median: float | None
    overdue_tasks: int
    # The customers' ratings of their work given in the period.
    rated: Ratings | None = None


@dataclass(frozen=True)
class Report:
    period: Period
    previous: Period
    sla: Sla
    sources: list[SourceLine]
    new: int
    new_before: int
    per_day: list[int]
    funnel: list[FunnelStep]
    outcomes: queries.Outcomes
    speed: Speed
    people: list[Person]
    stale_deals: int
    # Everyone's, and of them those given to the owners together (no one person's).
    overdue_tasks: int
    owners_overdue: int
    contracts_ending: int
    # The items of the deals won in the period.
    sold: Sold
    money: Money
    # The customers' ratings given in the period, of everyone's deals.
    rated: Ratings | None = None


async def build(session: AsyncSession, period: Period, sla: Sla, now: datetime) -> Report:
    """For an owner already checked: the caller is an owner's command or their digest."""
    before = previous(period)
    new = await queries.new_requests(session, period)
    current_sources = new.by_source
    earlier_sources = (await queries.new_requests(session, before)).by_source
    seen = (set(current_sources) | set(earlier_sources)) - set(SOURCES)
    # Lead sources as staff are offered them; one removed since, after them.
    listed = [*(source.key for source in await lead_sources.offered(session)), MANUAL]
    known = [*SOURCES, *(s for s in listed if s in seen), *sorted(seen - set(listed))]
    flow = stages.flow(await stages.active_stages(session))
    found = await speed(session, period, sla, now)
    late_tasks = await attention.overdue_by_assignee(session, now)
    reached = await queries.funnel(session, period, [s.id for s in flow])
    steps = [
        FunnelStep(
            dict(stage.names),
            stage.kind,
            n,
            None if index == 0 or not reached[index - 1] else n / reached[index - 1],
        )
        for index, (stage, n) in enumerate(zip(flow, reached, strict=True))
    ]
    return Report(
        period=period,
        previous=before,
        sla=sla,
        sources=[
            SourceLine(s, current_sources.get(s, 0), earlier_sources.get(s, 0)) for s in known
        ],
        new=sum(current_sources.values()),
        new_before=sum(earlier_sources.values()),
        per_day=new.per_day,
        funnel=steps,
        outcomes=await queries.outcomes(session, period),
        speed=found,
        people=await people(session, period, found, late_tasks),
        stale_deals=await queries.stale_deals(session, now),
        overdue_tasks=sum(late_tasks.values()),
        owners_overdue=late_tasks.get(None, 0),
        contracts_ending=await attention.contracts_ending(
            session, now.astimezone(period.zone).date()
        ),
        sold=await sold_in(session, period),
        money=await money_of(session, period),
        rated=await overall(session, period.start, period.end),
    )


async def people(
    session: AsyncSession, period: Period, found: Speed, late_tasks: dict[int | None, int]
) -> list[Person]:
    """Every active manager, and anyone else (an owner) with deals or tasks in these figures
    (the owners' tasks, None in `late_tasks`, are no one person's)."""
    figures = await queries.people(session, period)
    rated = await by_manager(session, period.start, period.end)
    tasked = {user_id for user_id in late_tasks if user_id is not None}
    ids = set(figures.open_deals) | set(figures.won) | set(found.by_manager) | tasked
    ids |= {user_id for user_id in rated if user_id is not None}
    users = await session.scalars(
        select(User).where(User.id.in_(ids) | ((User.role == MANAGER) & User.is_active))
    )
    team = [
        Person(
            user.id,
            full_name(user),
            figures.open_deals.get(user.id, 0),
            figures.won.get(user.id, (0, Decimal(0)))[0],
            figures.won.get(user.id, (0, Decimal(0)))[1],
            found.by_manager.get(user.id),
            late_tasks.get(user.id, 0),
            rated.get(user.id),
        )
        for user in users
    ]
    return sorted(team, key=lambda p: (p.name.casefold(), p.user_id))


async def on_demand(
    session: AsyncSession,
    actor: Actor,
    choice: Choice,
    zone: ZoneInfo,
    defaults: OwnerSettings,
    now: datetime,
) -> Report:
    require_owner(actor)
    chosen = await settings_of(session, actor.user_id, defaults)
    return await build(session, choose(choice, zone, now), chosen.sla, now)
