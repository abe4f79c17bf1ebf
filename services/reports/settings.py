"""What each owner chose for their reports: digests, their time, the SLA and working hours."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import Actor, require_owner
from services.db.reports import ReportSettings
from services.errors import ErrorCode, InvalidInput
from services.reports.worktime import DAY_MINUTES, Schedule

MAX_SLA_MINUTES = 7 * 24 * 60


@dataclass(frozen=True)
class Sla:
    """How first responses are judged: this many minutes of working time at most."""

    minutes: int
    schedule: Schedule

    @property
    def length(self) -> timedelta:
        return timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class OwnerSettings:
    daily: bool
    weekly: bool
    digest_at: int  # minutes after local midnight
    sla_minutes: int
    schedule: Schedule

    @property
    def sla(self) -> Sla:
        return Sla(self.sla_minutes, self.schedule)


def _of(row: ReportSettings) -> OwnerSettings:
    return OwnerSettings(
        row.daily,
        row.weekly,
        row.digest_at,
        row.sla_minutes,
        Schedule.from_mask(row.work_days, row.work_start, row.work_end),
    )


async def settings_of(
    session: AsyncSession, user_id: int, defaults: OwnerSettings
) -> OwnerSettings:
    row = await session.get(ReportSettings, user_id)
    return defaults if row is None else _of(row)


async def show(session: AsyncSession, actor: Actor, defaults: OwnerSettings) -> OwnerSettings:
    require_owner(actor)
    return await settings_of(session, actor.user_id, defaults)


async def _save(
    session: AsyncSession, actor: Actor, chosen: OwnerSettings, now: datetime
) -> OwnerSettings:
    row = await session.get(ReportSettings, actor.user_id)
    if row is None:
        row = ReportSettings(user_id=actor.user_id)
        session.add(row)
    row.daily, row.weekly = chosen.daily, chosen.weekly
    row.digest_at, row.sla_minutes = chosen.digest_at, chosen.sla_minutes
    row.work_days = chosen.schedule.mask
    row.work_start, row.work_end = chosen.schedule.start, chosen.schedule.end
    row.updated_at = now
    await session.commit()
    return chosen


async def toggle_daily(
    session: AsyncSession, actor: Actor, defaults: OwnerSettings, now: datetime
) -> OwnerSettings:
    current = await show(session, actor, defaults)
    return await _save(session, actor, replace(current, daily=not current.daily), now)


async def toggle_weekly(
    session: AsyncSession, actor: Actor, defaults: OwnerSettings, now: datetime
) -> OwnerSettings:
    current = await show(session, actor, defaults)
    return await _save(session, actor, replace(current, weekly=not current.weekly), now)


async def toggle_day(
    session: AsyncSession, actor: Actor, defaults: OwnerSettings, day: int, now: datetime
) -> OwnerSettings:
    current = await show(session, actor, defaults)
    if day not in range(7):
        raise InvalidInput(ErrorCode.WORKING_HOURS)
    days = current.schedule.days ^ {day}
    schedule = replace(current.schedule, days=frozenset(days))
    return await _save(session, actor, replace(current, schedule=schedule), now)


async def set_digest_time(
    session: AsyncSession, actor: Actor, defaults: OwnerSettings, minutes: int, now: datetime
) -> OwnerSettings:
    current = await show(session, actor, defaults)
    if not 0 <= minutes < DAY_MINUTES:
        raise InvalidInput(ErrorCode.CLOCK)
    return await _save(session, actor, replace(current, digest_at=minutes), now)


async def set_sla(
    session: AsyncSession, actor: Actor, defaults: OwnerSettings, minutes: int, now: datetime
) -> OwnerSettings:
    current = await show(session, actor, defaults)
    if not 1 <= minutes <= MAX_SLA_MINUTES:
        raise InvalidInput(ErrorCode.SLA)
    return await _save(session, actor, replace(current, sla_minutes=minutes), now)


async def set_hours(
    session: AsyncSession,
    actor: Actor,
    defaults: OwnerSettings,
    start: int,
    end: int,
    now: datetime,
) -> OwnerSettings:
    current = await show(session, actor, defaults)
    schedule = Schedule(current.schedule.days, start, end)
    return await _save(session, actor, replace(current, schedule=schedule), now)


async def owners_settings(
    session: AsyncSession, user_ids: list[int], defaults: OwnerSettings
) -> dict[int, OwnerSettings]:
    rows = await session.scalars(
        select(ReportSettings).where(ReportSettings.user_id.in_(user_ids))
    )
    chosen = {row.user_id: _of(row) for row in rows}
    return {user_id: chosen.get(user_id, defaults) for user_id in user_ids}
