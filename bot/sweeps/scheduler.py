"""Periodic sweeps. APScheduler only triggers them; each sweep asks the database (through the
app's clock) what is due and claims it, so a restart or a clock jump loses nothing. Each run,
and how late it started, is counted in the app's metrics from the scheduler's events."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
)
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.metrics import Metrics, SweepOutcome
from bot.runtime import Running
from bot.sweeps import digests, reminders, rules, webhooks
from bot.sweeps.inbox import pick_up_updates, prune_inbox


@dataclass(frozen=True)
class Sweep:
    name: str
    seconds: float
    run: Callable[[Running], Awaitable[object]]


SWEEPS: list[Sweep] = []
SWEEPS.append(Sweep("inbox", 10, pick_up_updates))
SWEEPS.append(Sweep("inbox_prune", 3600, prune_inbox))
SWEEPS.append(Sweep("digests", digests.SWEEP_SECONDS, digests.send_digests))
SWEEPS.append(Sweep("due_tasks", reminders.DUE_SECONDS, reminders.due_tasks))
SWEEPS.append(Sweep("overdue_tasks", reminders.OVERDUE_SECONDS, reminders.overdue_tasks))
SWEEPS.append(Sweep("contract_renewals", reminders.RENEWAL_SECONDS, reminders.contract_renewals))
SWEEPS.append(Sweep("not_taken", reminders.ESCALATION_SECONDS, reminders.not_taken))
SWEEPS.append(Sweep("time_rules", rules.SECONDS, rules.time_rules))
SWEEPS.append(Sweep("rule_webhooks", webhooks.SECONDS, webhooks.post_webhooks))


# A run more than a second late is not made (APScheduler's misfire grace time); one still
# running when the next is due makes that one skipped.
_OUTCOMES: dict[int, SweepOutcome] = {
    EVENT_JOB_EXECUTED: "ok",
    EVENT_JOB_ERROR: "error",
    EVENT_JOB_MISSED: "missed",
    EVENT_JOB_MAX_INSTANCES: "skipped",
}
_EVENTS = (
    EVENT_JOB_SUBMITTED
    | EVENT_JOB_EXECUTED
    | EVENT_JOB_ERROR
    | EVENT_JOB_MISSED
    | EVENT_JOB_MAX_INSTANCES
)


def observe(metrics: Metrics, event: Any) -> None:
    """A scheduler event: a sweep started (as late as the event's run time is past) or ended."""
    if event.code == EVENT_JOB_SUBMITTED:
        late = datetime.now(UTC) - min(event.scheduled_run_times)
        metrics.sweep_started(event.job_id, late.total_seconds())
    else:
        metrics.sweep_ended(event.job_id, _OUTCOMES[event.code])


def create_scheduler(app: Running, sweeps: list[Sweep] = SWEEPS) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_listener(partial(observe, app.metrics), _EVENTS)
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
