"""Tasks and reminders: set on a deal or given to someone of the team (services/task_giving.py),
due at a moment, done or snoozed by their assignee or by whoever gave them (the owners: any);
the due sweep tells the assignee (the owners, for theirs), the overdue sweep tells the owners
once, and whoever gave a task is told when someone else has done it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from services import events, outbox
from services.access import (
    CUSTOMER,
    Actor,
    effective_role,
    require_deal,
    require_owner,
    require_staff,
)
from services.conversation import get_deal
from services.db.customers import Customer
from services.db.deals import Deal
from services.db.tasks import Task
from services.db.users import User
from services.errors import AccessDenied, ErrorCode, InvalidInput, NotFound

# A reminder on a deal, a call-back after a missed call, a task someone gave (on a deal or not).
REMINDER, CALLBACK, GIVEN = "reminder", "callback", "task"
NOTE_LENGTH = 500


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
    # None: the owners'.
    assignee_id: int | None
    # Who gave it, when someone did (not a rule or the phone system).
    giver_id: int | None
    giver_name: str

    def overdue(self, now: datetime) -> bool:
        return not self.done and self.due_at <= now

    @property
    def for_owners(self) -> bool:
        return self.assignee_id is None

    @property
    def given(self) -> bool:
        """Given by someone else than whose it is."""
        return self.giver_id is not None and self.giver_id != self.assignee_id


async def view(session: AsyncSession, task_id: int) -> TaskView:
    row = (await session.execute(_views().where(Task.id == task_id))).first()
    if row is None:
        raise NotFound()
    return _view(*row)


_Assignee, _Giver = aliased(User), aliased(User)


def _views() -> Select[Task, Customer, User, User]:
    return (
        select(Task, Customer, _Assignee, _Giver)
        .outerjoin(_Assignee, _Assignee.id == Task.assignee_id)
        .outerjoin(_Giver, _Giver.id == Task.created_by)
        .outerjoin(Deal, Deal.id == Task.deal_id)
        .outerjoin(Customer, Customer.id == Deal.customer_id)
    )


async def _open_views(
    session: AsyncSession, now: datetime, *where: ColumnElement[bool]
) -> list[TaskView]:
    """Open tasks, overdue ones first, each group soonest first."""
    rows = await session.execute(
        _views().where(Task.done_at.is_(None), *where).order_by(Task.due_at, Task.id)
    )
    views = [_view(*row) for row in rows.all()]
    return [v for v in views if v.overdue(now)] + [v for v in views if not v.overdue(now)]


def _view(
    task: Task, customer: Customer | None, assignee: User | None, giver: User | None
) -> TaskView:
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
        assignee_name=assignee.first_name if assignee else "",
        version=task.version,
        assignee_id=task.assignee_id,
        giver_id=task.created_by,
        giver_name=giver.first_name if giver else "",
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
    """The assignee works their task, and so does whoever gave it; the owners anyone's."""
    require_staff(actor)
    task = await session.get(Task, task_id)
    if task is None:
        raise NotFound()
    if actor.user_id not in (task.assignee_id, task.created_by) and not actor.is_owner:
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
    giver = await session.get(User, task.created_by) if task.created_by else None
    # Not to someone who has left the team since: the task is no longer theirs to know of.
    told = giver is not None and effective_role(giver) != CUSTOMER and not giver.blocked
    if giver is not None and told and giver.id != actor.user_id:
        outbox.enqueue(
            session,
            chat_id=giver.tg_id,
            kind="task_done",
            payload={"task_id": task.id, "by": actor.user_id},
            dedupe_key=f"task_done:{task.id}",
            now=now,
        )
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
    """Open tasks of the actor, those they gave, and for an owner the owners', overdue first."""
    require_staff(actor)
    whose = [Task.assignee_id == actor.user_id, Task.created_by == actor.user_id]
    if actor.is_owner:
        whose.append(Task.assignee_id.is_(None))
    return await _open_views(session, now, or_(*whose))


async def team(session: AsyncSession, actor: Actor, now: datetime) -> list[TaskView]:
    """Everyone's open tasks, for the owners."""
    require_owner(actor)
    return await _open_views(session, now)
