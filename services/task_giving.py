"""Tasks given to someone of the team: to oneself, to an active manager or to the owners
together, due at a moment, on no deal or on one the giver works on (then to someone who may
work on it: its manager or the owners). Whoever it goes to, other than the giver, is told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import events, outbox
from services.access import MANAGER, OWNER, Actor, require_deal, require_staff
from services.conversation import get_deal
from services.db.deals import Deal, Stage
from services.db.tasks import Task
from services.db.users import User
from services.errors import ErrorCode, InvalidInput
from services.stages import LOST
from services.tasks import GIVEN, NOTE_LENGTH, TaskView, view
from services.users import reachable_owners


@dataclass(frozen=True)
class Teammate:
    user_id: int
    name: str


def task_text(text: str) -> str:
    """What is to be done, in one line; refused when nothing is, or more than fits."""
    note = " ".join(text.split())
    if not note:
        raise InvalidInput(ErrorCode.EMPTY_TEXT)
    if len(note) > NOTE_LENGTH:
        raise InvalidInput(ErrorCode.TASK_TEXT)
    return note


async def check_deal(session: AsyncSession, actor: Actor, deal_id: int) -> Deal:
    """A deal the actor works on: its manager, or an owner; not one closed as lost (its card
    offers no task: it is reopened first)."""
    require_staff(actor)
    deal = await get_deal(session, deal_id)
    require_deal(actor, deal)
    if (await session.get_one(Stage, deal.stage_id)).kind == LOST:
        raise InvalidInput(ErrorCode.DEAL_CLOSED)
    return deal


async def teammates(
    session: AsyncSession, actor: Actor, deal_id: int | None = None
) -> list[Teammate]:
    """Who else a task may be given to by name: the active managers; on a deal, its own."""
    require_staff(actor)
    query = select(User.id, User.first_name).where(
        User.role == MANAGER, User.is_active.is_(True), User.id != actor.user_id
    )
    if deal_id is not None:
        query = query.where(User.id == (await check_deal(session, actor, deal_id)).manager_id)
    rows = await session.execute(query.order_by(User.first_name, User.id))
    return [Teammate(user_id, name) for user_id, name in rows.all()]


async def check_assignee(
    session: AsyncSession, actor: Actor, assignee_id: int | None, deal_id: int | None = None
) -> None:
    """The owners (None), or someone active in the team; on a deal the actor works on, someone
    who may work on it too."""
    require_staff(actor)
    deal = None if deal_id is None else await check_deal(session, actor, deal_id)
    if assignee_id is None or assignee_id == actor.user_id:
        return
    user = await session.get(User, assignee_id)
    active = user is not None and (user.role == OWNER or (user.role == MANAGER and user.is_active))
    if user is None or not active:
        raise InvalidInput(ErrorCode.NOT_IN_TEAM)
    if deal is not None and user.role != OWNER and deal.manager_id != user.id:
        raise InvalidInput(ErrorCode.NOT_ON_DEAL)


async def give(
    session: AsyncSession,
    actor: Actor,
    text: str,
    assignee_id: int | None,
    due_at: datetime,
    now: datetime,
    deal_id: int | None = None,
) -> TaskView:
    """A task for `assignee_id` (None: the owners), given by the actor, due at `due_at`, on
    `deal_id` if given (then in its history)."""
    note = task_text(text)
    await check_assignee(session, actor, assignee_id, deal_id)
    if due_at <= now:
        raise InvalidInput(ErrorCode.MOMENT_PAST)
    task = Task(
        kind=GIVEN,
        deal_id=deal_id,
        assignee_id=assignee_id,
        created_by=actor.user_id,
        note=note,
        due_at=due_at,
        created_at=now,
        calls=0,
        version=1,
    )
    session.add(task)
    await session.flush()
    events.record(session, deal_id, actor.user_id, "task_given", now, assignee_id, task.id)
    for person in await _told(session, actor, assignee_id):
        outbox.enqueue(
            session,
            chat_id=person.tg_id,
            kind="task_given",
            payload={"task_id": task.id},
            dedupe_key=f"task_given:{task.id}:{person.id}",
            now=now,
        )
    await session.commit()
    return await view(session, task.id)


async def _told(session: AsyncSession, actor: Actor, assignee_id: int | None) -> list[User]:
    """Whose the task is, but the giver: they know."""
    if assignee_id is None:
        people = await reachable_owners(session)
    else:
        assignee = await session.get_one(User, assignee_id)
        people = [] if assignee.blocked else [assignee]
    return [person for person in people if person.id != actor.user_id]
