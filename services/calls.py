"""Phone-system events. A missed incoming call finds or creates the customer and their open
deal, tells the manager at once and sets a call-back task (the standard rule, while it is on,
with its delay: `callback_after` until an owner changes it); more missed calls before the
call-back add to that task; an answered call closes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import api_requests, events, outbox
from services.assignment import WorkingHours
from services.contacts import customer_for_phone, open_deal_of
from services.db.customers import Customer
from services.db.deals import Deal
from services.db.tasks import Task
from services.db.users import User
from services.intake import assign, created, open_deal
from services.phones import normalize_phone
from services.rules import standard
from services.rules.engine import fire
from services.tasks import CALLBACK

MISSED, ANSWERED = "missed", "answered"
ENDPOINT = "calls"


@dataclass(frozen=True)
class CallEvent:
    phone: str
    status: str
    direction: str
    external_id: str
    occurred_at: datetime | None = None


async def record_call(
    session: AsyncSession,
    call: CallEvent,
    *,
    token_id: int | None,
    region: str,
    callback_after: timedelta,
    now: datetime,
    hours: WorkingHours | None = None,
) -> tuple[api_requests.Response, bool]:
    """Returns the answer for the phone system and whether the external id was seen before."""
    phone = normalize_phone(call.phone, region)
    at = min(call.occurred_at or now, now)

    async def work() -> api_requests.Response:
        if call.status == MISSED and call.direction == "in":
            return await _missed(session, phone, at, callback_after, now, hours)
        if call.status == ANSWERED:
            return await _answered(session, phone, now)
        return {"action": "recorded", "deal_id": None, "task_id": None}

    return await api_requests.once(session, ENDPOINT, call.external_id, token_id, now, work)


async def _missed(
    session: AsyncSession,
    phone: str,
    at: datetime,
    callback_after: timedelta,
    now: datetime,
    hours: WorkingHours | None,
) -> api_requests.Response:
    customer = await customer_for_phone(session, phone, "", "phone", now)
    deal = await open_deal_of(session, customer.id)
    opened = deal is None
    if deal is None:
        deal = await open_deal(session, customer, "phone", "", now)
        if customer.phone != phone:
            # A number merged into this customer stays with the requests that came from it.
            deal.phone = phone
    if deal.manager_id is None:
        await assign(session, deal, now, hours=hours)
    deal.last_activity_at = now
    events.record(session, deal.id, None, "missed_call", now, None, phone)
    if opened:
        # The rules see the request with who has it; one may give it to someone else.
        await fire(session, created([deal], "phone", now), now)
    rule = await standard.current(session, standard.CALLBACK, standard.in_minutes(callback_after))
    if deal.manager_id is None or not rule.enabled:
        return {"action": "recorded", "deal_id": deal.id, "task_id": None}
    task = await _open_callback(session, deal.id)
    if task is None:
        task = Task(
            kind=CALLBACK,
            deal_id=deal.id,
            assignee_id=deal.manager_id,
            note="",
            due_at=at + rule.value[0] * standard.MINUTE,
            created_at=now,
            calls=0,
            version=1,
        )
        session.add(task)
    task.calls += 1
    await standard.acted(session, standard.CALLBACK, now)
    await session.flush()
    manager = await session.get_one(User, task.assignee_id)
    outbox.enqueue(
        session,
        chat_id=manager.tg_id,
        kind="missed_call",
        payload={"task_id": task.id, "calls": task.calls},
        dedupe_key=f"missed_call:{task.id}:{task.calls}",
        now=now,
    )
    return {"action": "callback_task", "deal_id": deal.id, "task_id": task.id}


async def _open_callback(session: AsyncSession, deal_id: int) -> Task | None:
    return await session.scalar(
        select(Task)
        .where(Task.deal_id == deal_id, Task.kind == CALLBACK, Task.done_at.is_(None))
        .order_by(Task.id)
        .limit(1)
    )


def _called_from(phone: str) -> ColumnElement[bool]:
    """A call's request from this number: its customer's own, or one merged into them."""
    return or_(Customer.phone == phone, and_(Deal.source == "phone", Deal.phone == phone))


async def _answered(session: AsyncSession, phone: str, now: datetime) -> api_requests.Response:
    tasks = list(
        await session.scalars(
            select(Task)
            .join(Deal, Deal.id == Task.deal_id)
            .join(Customer, Customer.id == Deal.customer_id)
            .where(_called_from(phone), Task.kind == CALLBACK, Task.done_at.is_(None))
            .order_by(Task.id)
        )
    )
    for task in tasks:
        task.done_at = now
        events.record(session, None, None, "task_done", now, task.deal_id, task.id)
    return {
        "action": "callback_closed" if tasks else "recorded",
        "deal_id": tasks[0].deal_id if tasks else None,
        "task_id": tasks[0].id if tasks else None,
    }
