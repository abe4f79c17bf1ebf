"""Periodic sweeps. APScheduler only triggers them; each sweep asks the database (through the
app's clock) what is due and claims it, so a restart or a clock jump loses nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot import digests, followup_jobs

if TYPE_CHECKING:
    from bot.app import App


@dataclass(frozen=True)
class Sweep:
    name: str
    seconds: float
    run: Callable[[App], Awaitable[object]]


SWEEPS: list[Sweep] = []
SWEEPS.append(Sweep("digests", digests.SWEEP_SECONDS, digests.send_digests))
SWEEPS.append(Sweep("due_tasks", followup_jobs.DUE_SECONDS, followup_jobs.due_tasks))
SWEEPS.append(Sweep("overdue_tasks", followup_jobs.OVERDUE_SECONDS, followup_jobs.overdue_tasks))
SWEEPS.append(
    Sweep("contract_renewals", followup_jobs.RENEWAL_SECONDS, followup_jobs.contract_renewals)
)


def create_scheduler(app: App, sweeps: list[Sweep] = SWEEPS) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=UTC)
    for sweep in sweeps:
        scheduler.add_job(
            sweep.run,
            "interval",
            args=[app],
            seconds=sweep.seconds,
            id=sweep.name,
            max_instances=1,
            coalesce=True,
        )
    return scheduler
