"""Scheduled sweeps: each run counted by outcome, and how late it started."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    JobExecutionEvent,
    JobSubmissionEvent,
)

from bot.app import App
from bot.sweeps.scheduler import Sweep, create_scheduler, observe
from tests.support.ops import Ops

RUNS = 'axin_sweep_runs_total{outcome="%s",sweep="%s"}'
LAG = 'axin_sweep_lag_seconds_%s{sweep="%s"}'


async def test_runs_by_outcome_and_how_late_they_started(ops: Ops) -> None:
    metrics = ops.tg.app.metrics
    due = datetime.now(UTC) - timedelta(seconds=3)
    observe(metrics, JobSubmissionEvent(EVENT_JOB_SUBMITTED, "digests", "default", [due]))
    for code in (EVENT_JOB_EXECUTED, EVENT_JOB_ERROR, EVENT_JOB_MISSED, EVENT_JOB_MAX_INSTANCES):
        observe(metrics, JobExecutionEvent(code, "digests", "default", due))
    seen = await ops.metrics()
    assert [seen[RUNS % (o, "digests")] for o in ("ok", "error", "missed", "skipped")] == [1] * 4
    assert seen[LAG % ("count", "digests")] == 1
    assert seen[LAG % ("sum", "digests")] >= 3  # it started three seconds late, or later
    assert seen['axin_sweep_lag_seconds_bucket{le="1.0",sweep="digests"}'] == 0


async def test_the_scheduler_reports_each_sweep_it_runs(ops: Ops) -> None:
    ran: list[str] = []
    twice = asyncio.Event()

    async def probe(app: App) -> None:
        ran.append("run")
        if len(ran) == 1:
            raise RuntimeError("the first run fails")
        twice.set()

    scheduler = create_scheduler(ops.tg.app, [Sweep("probe", 0.01, probe)])
    scheduler.start()
    try:
        await asyncio.wait_for(twice.wait(), timeout=10)
    finally:
        scheduler.shutdown(wait=False)
    seen = await ops.metrics()
    assert seen[RUNS % ("error", "probe")] == 1
    assert seen[RUNS % ("ok", "probe")] >= 1
    assert seen[LAG % ("count", "probe")] >= 2
