"""Sweeps of tasks, contracts and requests: what fell due, what is long overdue, which renewals
to remind of, which requests nobody took in time. Each asks the database through the app's
clock and wakes the outbox sender."""

from __future__ import annotations

from bot.runtime import Running
from services import escalation, renewals, task_sweeps

DUE_SECONDS = 20.0
OVERDUE_SECONDS = 60.0
RENEWAL_SECONDS = 60.0
ESCALATION_SECONDS = 30.0


async def due_tasks(app: Running) -> int:
    async with app.sessions() as session:
        queued = await task_sweeps.due_sweep(session, app.clock.now())
    app.sender.wake()
    return queued


async def overdue_tasks(app: Running) -> int:
    async with app.sessions() as session:
        queued = await task_sweeps.overdue_sweep(
            session, app.clock.now(), app.settings.task_overdue_escalation
        )
    app.sender.wake()
    return queued


async def contract_renewals(app: Running) -> int:
    async with app.sessions() as session:
        queued = await renewals.renewal_sweep(
            session, app.clock.now(), app.settings.zone, app.settings.renewal_offsets
        )
    app.sender.wake()
    return queued


async def not_taken(app: Running) -> int:
    async with app.sessions() as session:
        moved = await escalation.escalation_sweep(
            session, app.clock.now(), app.settings.response_sla
        )
    if moved:
        app.sender.wake()
    return moved
