"""The sweeps of tasks: what fell due is told to its assignee (to each owner, for the owners'
and for those of a manager no longer in the team), once per due time;
what is long overdue is told to the owners once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import outbox
from services.access import CUSTOMER, effective_role
from services.db.engine import is_postgres
from services.db.tasks import Task
from services.db.users import User
from services.rules import standard
from services.users import reachable_owners

SWEEP_BATCH = 200


async def _claim(session: AsyncSession, query: Select[Any]) -> list[Task]:
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    return list(await session.scalars(query.order_by(Task.due_at, Task.id).limit(SWEEP_BATCH)))


async def due_sweep(session: AsyncSession, now: datetime) -> int:
    """Tell each assignee of what fell due; a task is told once per due time. The owners'
    tasks, and those of a manager no longer in the team, are told to each owner."""
    tasks = await _claim(
        session,
        select(Task).where(Task.done_at.is_(None), Task.due_at <= now, Task.notified_at.is_(None)),
    )
    owners: list[User] | None = None
    for task in tasks:
        task.notified_at = now
        payload = {"task_id": task.id, "version": task.version}
        key = f"task_due:{task.id}:v{task.version}"
        assignee = await session.get(User, task.assignee_id) if task.assignee_id else None
        if assignee is not None and effective_role(assignee) != CUSTOMER:
            outbox.enqueue(
                session,
                chat_id=assignee.tg_id,
                kind="task_due",
                payload=payload,
                dedupe_key=key,
                now=now,
            )
            continue
        if owners is None:
            owners = await reachable_owners(session)
        if assignee is not None:
            payload["theirs"] = True  # the owners are told whose it was
        for owner in owners:
            outbox.enqueue(
                session,
                chat_id=owner.tg_id,
                kind="task_due",
                payload=payload,
                dedupe_key=f"{key}:{owner.id}",
                now=now,
            )
    await session.commit()
    return len(tasks)


async def overdue_sweep(session: AsyncSession, now: datetime, after: timedelta) -> int:
    """Tasks overdue by more than the standard rule's wait (`after` until an owner changes it):
    the owners are told, once per task; nothing while the rule is off."""
    rule = await standard.current(session, standard.OVERDUE, standard.in_minutes(after))
    if not rule.enabled:
        await session.rollback()
        return 0
    after = rule.value[0] * standard.MINUTE
    tasks = await _claim(
        session,
        select(Task).where(
            Task.done_at.is_(None), Task.due_at < now - after, Task.escalated_at.is_(None)
        ),
    )
    owners = await reachable_owners(session)
    for task in tasks:
        task.escalated_at = now
        if task.assignee_id is None:
            continue  # the owners' own: they were told when it fell due
        for owner in owners:
            if owner.id == task.assignee_id:
                continue
            outbox.enqueue(
                session,
                chat_id=owner.tg_id,
                kind="task_overdue",
                payload={"task_id": task.id, "after": int(after.total_seconds())},
                dedupe_key=f"task_overdue:{task.id}:{owner.id}",
                now=now,
            )
    await standard.acted(session, standard.OVERDUE, now, len(tasks))
    await session.commit()
    return len(tasks)
