"""Reminders fall due, snooze, get done, and long-overdue ones reach the owner once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services import task_sweeps, tasks
from services.clock import ManualClock
from services.errors import AccessDenied, InvalidInput
from tests.support.seed import actor, deal_for, person, queued

DAY = timedelta(hours=24)


async def test_a_reminder_falls_due_once_and_comes_back_after_a_snooze(
    session: AsyncSession, clock: ManualClock
) -> None:
    anna = await person(session, 200, "manager", clock, "Anna")
    deal = await deal_for(session, anna, clock)
    task = await tasks.remind(
        session, actor(anna), deal.id, clock.now() + timedelta(hours=1), clock.now()
    )
    assert (task.kind, task.deal_id, task.customer_name) == ("reminder", deal.id, "Leyla")

    clock.advance(timedelta(minutes=59))
    assert await task_sweeps.due_sweep(session, clock.now()) == 0
    clock.advance(timedelta(minutes=1))
    assert await task_sweeps.due_sweep(session, clock.now()) == 1
    assert await task_sweeps.due_sweep(session, clock.now()) == 0
    assert await queued(session) == [(200, "task_due", {"task_id": task.task_id, "version": 1})]

    snoozed = await tasks.snooze(
        session, actor(anna), task.task_id, clock.now() + timedelta(minutes=15), clock.now()
    )
    assert snoozed.due_at == clock.now() + timedelta(minutes=15)
    clock.advance(timedelta(minutes=14))
    assert await task_sweeps.due_sweep(session, clock.now()) == 0
    clock.advance(timedelta(minutes=1))
    assert await task_sweeps.due_sweep(session, clock.now()) == 1
    assert [row[2] for row in await queued(session)][-1] == {
        "task_id": task.task_id,
        "version": 2,
    }

    done = await tasks.complete(session, actor(anna), task.task_id, clock.now())
    assert done.done
    with pytest.raises(InvalidInput) as again:
        await tasks.complete(session, actor(anna), task.task_id, clock.now())
    assert again.value.code == "task_done"
    clock.advance(DAY * 3)
    assert await task_sweeps.due_sweep(session, clock.now()) == 0
    assert await task_sweeps.overdue_sweep(session, clock.now(), DAY) == 0


async def test_overdue_by_more_than_the_setting_tells_the_owners_once(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = await person(session, 1, "owner", clock, "Olga")
    anna = await person(session, 200, "manager", clock, "Anna")
    deal = await deal_for(session, anna, clock)
    task = await tasks.remind(
        session, actor(anna), deal.id, clock.now() + timedelta(hours=1), clock.now()
    )
    clock.advance(timedelta(hours=1) + DAY)
    assert (
        await task_sweeps.overdue_sweep(session, clock.now(), DAY) == 0
    )  # exactly 24 h: not more
    clock.advance(timedelta(seconds=1))
    assert await task_sweeps.overdue_sweep(session, clock.now(), DAY) == 1
    clock.advance(DAY)
    assert await task_sweeps.overdue_sweep(session, clock.now(), DAY) == 0
    told = [row for row in await queued(session) if row[1] == "task_overdue"]
    assert told == [(owner.tg_id, "task_overdue", {"task_id": task.task_id, "after": 86400})]


async def test_a_snoozed_task_is_overdue_from_its_new_time(
    session: AsyncSession, clock: ManualClock
) -> None:
    await person(session, 1, "owner", clock)
    anna = await person(session, 200, "manager", clock)
    deal = await deal_for(session, anna, clock)
    task = await tasks.remind(
        session, actor(anna), deal.id, clock.now() + timedelta(minutes=5), clock.now()
    )
    clock.advance(timedelta(hours=20))
    await tasks.snooze(session, actor(anna), task.task_id, clock.now() + DAY, clock.now())
    clock.advance(timedelta(hours=30))  # 6 h past the new time
    assert await task_sweeps.overdue_sweep(session, clock.now(), DAY) == 0


async def test_tasks_are_their_assignees_and_listed_overdue_first(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = await person(session, 1, "owner", clock)
    anna = await person(session, 200, "manager", clock)
    bako = await person(session, 201, "manager", clock)
    customer = await person(session, 100, "customer", clock)
    deal = await deal_for(session, anna, clock)
    later = await tasks.remind(session, actor(anna), deal.id, clock.now() + DAY, clock.now())
    soon = await tasks.remind(
        session, actor(anna), deal.id, clock.now() + timedelta(hours=1), clock.now()
    )
    first = await tasks.remind(
        session, actor(anna), deal.id, clock.now() + timedelta(minutes=30), clock.now()
    )
    clock.advance(timedelta(minutes=45))
    mine = await tasks.mine(session, actor(anna), clock.now())
    assert [t.task_id for t in mine] == [first.task_id, soon.task_id, later.task_id]
    assert [t.overdue(clock.now()) for t in mine] == [True, False, False]

    for intruder in (bako, customer):
        with pytest.raises(AccessDenied):
            await tasks.complete(session, actor(intruder), soon.task_id, clock.now())
    with pytest.raises(AccessDenied):
        await tasks.remind(session, actor(bako), deal.id, clock.now() + DAY, clock.now())
    with pytest.raises(InvalidInput):
        await tasks.remind(session, actor(anna), deal.id, clock.now(), clock.now())
    # The owner may work anyone's task.
    await tasks.complete(session, actor(owner), soon.task_id, clock.now())
    assert [t.task_id for t in await tasks.mine(session, actor(anna), clock.now())] == [
        first.task_id,
        later.task_id,
    ]
