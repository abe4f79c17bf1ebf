"""Tasks and reminders: set on a deal, due at a moment, done or snoozed by their assignee;
the due sweep tells the assignee, the overdue sweep tells the owners once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import events, outbox
from services.access import OWNER, Actor, require_deal, require_staff
from services.conversation import get_deal
from services.db.customers import Customer
from services.db.deals import Deal
from services.db.engine import is_postgres
from services.db.tasks import Task
from services.db.users import User
from services.errors import AccessDenied, ErrorCode, InvalidInput, NotFound
from services.rules import standard

REMINDER, CALLBACK = "reminder", "callback"
NOTE_LENGTH = 500
SWEEP_BATCH = 200


@dataclass(frozen=True)
class TaskView:
    task_id: int
    kind: str
    deal_id: int | None
    note: str
    due_at: datetime
    done: bool
    calls: int
    customer_name: str
    phone: str | None
    assignee_name: str
    version: int

    def overdue(self, now: datetime) -> bool:
        return not self.done and self.due_at <= now


async def view(session: AsyncSession, task_id: int) -> TaskView:
    row = (await session.execute(_views().where(Task.id == task_id))).first()
    if row is None:
        raise NotFound()
    return _view(*row)


def _views() -> Select[Task, Customer, User]:
    return (
        select(Task, Customer, User)
        .join(User, User.id == Task.assignee_id)
        .outerjoin(Deal, Deal.id == Task.deal_id)
        .outerjoin(Customer, Customer.id == Deal.customer_id)
    )


def _view(task: Task, customer: Customer | None, assignee: User) -> TaskView:
    return TaskView(
        task_id=task.id,
        kind=task.kind,
        deal_id=task.deal_id,
        note=task.note,
        due_at=task.due_at,
        done=task.done_at is not None,
        calls=task.calls,
        customer_name=customer.name if customer else "",
        phone=customer.phone if customer else None,
        assignee_name=assignee.first_name,
        version=task.version,
    )


async def check_remind(session: AsyncSession, actor: Actor, deal_id: int) -> None:
    """Refused before the person picks a moment, not after."""
    require_staff(actor)
    require_deal(actor, await get_deal(session, deal_id))


async def check_task(session: AsyncSession, actor: Actor, task_id: int) -> TaskView:
    task = await _own(session, actor, task_id)
    if task.done_at is not None:
        raise InvalidInput(ErrorCode.TASK_DONE)
    return await view(session, task_id)


async def remind(
    session: AsyncSession, actor: Actor, deal_id: int, due_at: datetime, now: datetime
) -> TaskView:
    """A reminder on a deal for the person who sets it."""
    await check_remind(session, actor, deal_id)
    if due_at <= now:
        raise InvalidInput(ErrorCode.MOMENT_PAST)
    task = Task(
        kind=REMINDER,
        deal_id=deal_id,
        assignee_id=actor.user_id,
        created_by=actor.user_id,
        note="",
        due_at=due_at,
        created_at=now,
        calls=0,
        version=1,
    )
    session.add(task)
    await session.flush()
    events.record(session, None, actor.user_id, "task", now, deal_id, due_at.isoformat())
    await session.commit()
    return await view(session, task.id)


async def _own(session: AsyncSession, actor: Actor, task_id: int) -> Task:
    """The assignee works their task; the owner may work anyone's."""
    task = await session.get(Task, task_id)
    if task is None:
        raise NotFound()
    if task.assignee_id != actor.user_id and not actor.is_owner:
        raise AccessDenied()
    return task


async def set_note(session: AsyncSession, actor: Actor, task_id: int, text: str) -> TaskView:
    note = " ".join(text.split())[:NOTE_LENGTH]
    if not note:
        raise InvalidInput(ErrorCode.EMPTY_TEXT)
    task = await _own(session, actor, task_id)
    if task.done_at is not None:
        raise InvalidInput(ErrorCode.TASK_DONE)
    task.note = note
    await session.commit()
    return await view(session, task.id)


async def complete(session: AsyncSession, actor: Actor, task_id: int, now: datetime) -> TaskView:
    task = await _own(session, actor, task_id)
    if task.done_at is not None:
        raise InvalidInput(ErrorCode.TASK_DONE)
    task.done_at, task.done_by = now, actor.user_id
    events.record(session, None, actor.user_id, "task_done", now, task.deal_id, task.id)
    await session.commit()
    return await view(session, task.id)


async def snooze(
    session: AsyncSession, actor: Actor, task_id: int, until: datetime, now: datetime
) -> TaskView:
    """Due again at `until`: told again then, and overdue counts from then."""
    task = await _own(session, actor, task_id)
    if task.done_at is not None:
        raise InvalidInput(ErrorCode.TASK_DONE)
    if until <= now:
        raise InvalidInput(ErrorCode.MOMENT_PAST)
    task.due_at, task.notified_at = until, None
    task.version += 1
    await session.commit()
    return await view(session, task.id)


async def mine(session: AsyncSession, actor: Actor, now: datetime) -> list[TaskView]:
    """Open tasks of the actor, overdue ones first, each group soonest first."""
    require_staff(actor)
    rows = await session.execute(
        _views()
        .where(Task.assignee_id == actor.user_id, Task.done_at.is_(None))
        .order_by(Task.due_at, Task.id)
    )
    views = [_view(*row) for row in rows.all()]
    return [v for v in views if v.overdue(now)] + [v for v in views if not v.overdue(now)]


async def _claim(session: AsyncSession, query: Select[Any]) -> list[Task]:
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    return list(await session.scalars(query.order_by(Task.due_at, Task.id).limit(SWEEP_BATCH)))


async def due_sweep(session: AsyncSession, now: datetime) -> int:
    """Tell each assignee of what fell due; a task is told once per due time."""
    tasks = await _claim(
        session,
        select(Task).where(Task.done_at.is_(None), Task.due_at <= now, Task.notified_at.is_(None)),
    )
    for task in tasks:
        task.notified_at = now
        assignee = await session.get_one(User, task.assignee_id)
        outbox.enqueue(
            session,
            chat_id=assignee.tg_id,
            kind="task_due",
            payload={"task_id": task.id, "version": task.version},
            dedupe_key=f"task_due:{task.id}:v{task.version}",
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
    owners = list(
        await session.scalars(
            select(User).where(User.role == OWNER, User.blocked.is_(False)).order_by(User.id)
        )
    )
    for task in tasks:
        task.escalated_at = now
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
