"""The company's working hours, time zone and currency as every service sees them: the
environment's, handed to each unit of work by the session factory, the hours overridden by those
an owner chose in /settings. A session made without them (a script, a test) works round the
clock in UTC, in manats."""

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
CURRENCY = "currency"
DEFAULT_CURRENCY = "AZN"
ROUND_THE_CLOCK = WorkingHours(Schedule(frozenset(range(7)), 0, DAY_MINUTES), ZoneInfo("UTC"))


def session_info(hours: WorkingHours, currency: str = DEFAULT_CURRENCY) -> dict[str, Any]:
    return {HOURS: hours, CURRENCY: currency}


def currency_of(session: AsyncSession) -> str:
    """The currency amounts are in, whose minor unit they are rounded to."""
    currency = session.info.get(CURRENCY)
    return currency if isinstance(currency, str) else DEFAULT_CURRENCY


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
