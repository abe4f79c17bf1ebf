"""The company's working hours and time zone as every service sees them: the environment's,
handed to each unit of work by the session factory, overridden by the hours an owner chose in
/settings. A session made without them (a script, a test) works round the clock in UTC."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.assignment import WorkingHours
from services.db.reports import ReportSettings
from services.db.users import User
from services.reports.worktime import DAY_MINUTES, Schedule

HOURS = "working_hours"
ROUND_THE_CLOCK = WorkingHours(Schedule(frozenset(range(7)), 0, DAY_MINUTES), ZoneInfo("UTC"))


def session_info(hours: WorkingHours) -> dict[str, Any]:
    return {HOURS: hours}


def configured_hours(session: AsyncSession) -> WorkingHours:
    hours = session.info.get(HOURS)
    return hours if isinstance(hours, WorkingHours) else ROUND_THE_CLOCK


async def company_hours(session: AsyncSession) -> WorkingHours:
    configured = configured_hours(session)
    chosen = (
        await session.execute(
            select(ReportSettings.work_days, ReportSettings.work_start, ReportSettings.work_end)
            .join(User, User.id == ReportSettings.user_id)
            .where(User.role == "owner")
            .order_by(User.id)
            .limit(1)
        )
    ).first()
    if chosen is None or chosen[0] is None:
        return configured
    return WorkingHours(Schedule.from_mask(*chosen), configured.zone)
