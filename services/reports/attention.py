"""What needs the owner's attention now: overdue tasks and contracts ending soon (the tables
of tasks and contracts), as counts for the report and short lists for its button."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.contracts import ACTIVE
from services.db.contracts import Contract
from services.db.customers import Customer
from services.db.deals import Deal
from services.db.tasks import Task
from services.db.users import User
from services.users import full_name

CONTRACTS_AHEAD = timedelta(days=14)


def overdue(now: datetime) -> ColumnElement[bool]:
    return and_(Task.done_at.is_(None), Task.due_at <= now)


def ending(today: date) -> ColumnElement[bool]:
    """Active contracts whose end date is today or within the next 14 days."""
    return and_(
        Contract.status == ACTIVE,
        Contract.ends_on >= today,
        Contract.ends_on <= today + CONTRACTS_AHEAD,
    )


async def overdue_by_assignee(session: AsyncSession, now: datetime) -> dict[int | None, int]:
    """Overdue tasks by whose they are (None: the owners')."""
    rows = await session.execute(
        select(Task.assignee_id, func.count()).where(overdue(now)).group_by(Task.assignee_id)
    )
    return {assignee: int(n) for assignee, n in rows.all()}


async def contracts_ending(session: AsyncSession, today: date) -> int:
    return int(await session.scalar(select(func.count()).where(ending(today))) or 0)


@dataclass(frozen=True)
class TaskLine:
    task_id: int
    deal_id: int | None
    note: str
    due_at: datetime
    # Empty for the owners'.
    assignee: str


@dataclass(frozen=True)
class ContractLine:
    deal_id: int
    number: str
    ends_on: date
    customer: str


async def overdue_tasks(session: AsyncSession, now: datetime, limit: int) -> list[TaskLine]:
    rows = await session.execute(
        select(Task, User)
        .outerjoin(User, User.id == Task.assignee_id)
        .where(overdue(now))
        .order_by(Task.due_at, Task.id)
        .limit(limit)
    )
    return [
        TaskLine(task.id, task.deal_id, task.note, task.due_at, full_name(user) if user else "")
        for task, user in rows.all()
    ]


async def ending_contracts(session: AsyncSession, today: date, limit: int) -> list[ContractLine]:
    rows = await session.execute(
        select(Contract, Customer.name)
        .join(Deal, Deal.id == Contract.deal_id)
        .join(Customer, Customer.id == Deal.customer_id)
        .where(ending(today))
        .order_by(Contract.ends_on, Contract.id)
        .limit(limit)
    )
    return [
        ContractLine(contract.deal_id, contract.number, contract.ends_on, name)
        for contract, name in rows.all()
    ]
