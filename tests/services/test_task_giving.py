"""Tasks given to others: who may be given one, who is told of it when given, due and done,
and where the owners' tasks are counted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services import task_giving, task_sweeps, tasks
from services.clock import ManualClock
from services.errors import AccessDenied, InvalidInput
from services.reports import attention
from tests.support.seed import actor, deal_for, person, queued

HOUR = timedelta(hours=1)


async def test_the_owners_task_reaches_each_reachable_owner_once_per_due_time(
    session: AsyncSession, clock: ManualClock
) -> None:
    olga = await person(session, 1, "owner", clock, "Olga")
    oleg = await person(session, 2, "owner", clock, "Oleg")
    gone = await person(session, 3, "owner", clock, "Gone")
    gone.blocked = True
    anna = await person(session, 200, "manager", clock, "Anna")
    task = await task_giving.give(
        session, actor(anna), "Sign the lease", None, clock.now() + HOUR, clock.now()
    )
    assert (task.kind, task.deal_id, task.assignee_id, task.giver_id) == (
        "task",
        None,
        None,
        anna.id,
    )
    given = {"task_id": task.task_id}
    assert await queued(session) == [(1, "task_given", given), (2, "task_given", given)]

    clock.advance(HOUR)
    assert await task_sweeps.due_sweep(session, clock.now()) == 1
    assert await task_sweeps.due_sweep(session, clock.now()) == 0
    due = {"task_id": task.task_id, "version": 1}
    assert (await queued(session))[2:] == [(1, "task_due", due), (2, "task_due", due)]
    # Snoozed by an owner: due again, to both, once.
    await tasks.snooze(session, actor(oleg), task.task_id, clock.now() + HOUR, clock.now())
    clock.advance(HOUR)
    assert await task_sweeps.due_sweep(session, clock.now()) == 1
    again = {"task_id": task.task_id, "version": 2}
    assert (await queued(session))[4:] == [(1, "task_due", again), (2, "task_due", again)]

    # Counted as the owners', no one person's, among what is overdue.
    [line] = await attention.overdue_tasks(session, clock.now(), 10)
    assert (line.task_id, line.assignee) == (task.task_id, "")
    assert await attention.overdue_by_assignee(session, clock.now()) == {None: 1}

    await tasks.complete(session, actor(olga), task.task_id, clock.now())
    assert (await queued(session))[6:] == [
        (200, "task_done", {"task_id": task.task_id, "by": olga.id})
    ]
    assert gone.id not in {row[0] for row in await queued(session)}


async def test_who_is_told_when_a_task_is_given_and_done(
    session: AsyncSession, clock: ManualClock
) -> None:
    olga = await person(session, 1, "owner", clock, "Olga")
    anna = await person(session, 200, "manager", clock, "Anna")
    bako = await person(session, 201, "manager", clock, "Bako")
    own = await task_giving.give(
        session, actor(anna), "Tidy", anna.id, clock.now() + HOUR, clock.now()
    )
    # Given to oneself: nobody told; done by oneself: nobody told.
    await tasks.complete(session, actor(anna), own.task_id, clock.now())
    assert await queued(session) == []
    mine = await task_giving.give(
        session, actor(olga), "Call", olga.id, clock.now() + HOUR, clock.now()
    )
    given = await task_giving.give(
        session, actor(anna), "Visit", bako.id, clock.now() + HOUR, clock.now()
    )
    assert await queued(session) == [(201, "task_given", {"task_id": given.task_id})]
    # Closed by the one who gave it: nobody else is told.
    await tasks.complete(session, actor(anna), given.task_id, clock.now())
    assert len(await queued(session)) == 1
    # A reminder on a deal (given by nobody else) is not announced either.
    deal = await deal_for(session, anna, clock)
    reminder = await tasks.remind(session, actor(anna), deal.id, clock.now() + HOUR, clock.now())
    await tasks.complete(session, actor(olga), reminder.task_id, clock.now())
    await tasks.complete(session, actor(olga), mine.task_id, clock.now())
    assert [row[1] for row in await queued(session)] == ["task_given", "task_done"]


async def test_a_task_is_given_to_someone_active_with_words_and_a_later_moment(
    session: AsyncSession, clock: ManualClock
) -> None:
    anna = await person(session, 200, "manager", clock, "Anna")
    bako = await person(session, 201, "manager", clock, "Bako")
    customer = await person(session, 100, "customer", clock, "Leyla")
    later = clock.now() + HOUR
    bako.is_active = False
    await session.commit()
    for wrong in (bako.id, customer.id, 999):
        with pytest.raises(InvalidInput) as refused:
            await task_giving.give(session, actor(anna), "Visit", wrong, later, clock.now())
        assert refused.value.code == "not_in_team"
    with pytest.raises(InvalidInput) as empty:
        await task_giving.give(session, actor(anna), "  \n ", None, later, clock.now())
    assert empty.value.code == "empty_text"
    with pytest.raises(InvalidInput) as past:
        await task_giving.give(session, actor(anna), "Visit", None, clock.now(), clock.now())
    assert past.value.code == "moment_past"
    with pytest.raises(AccessDenied):
        await task_giving.give(session, actor(customer), "Visit", None, later, clock.now())
    with pytest.raises(AccessDenied):
        await tasks.team(session, actor(anna), clock.now())
    assert await tasks.mine(session, actor(anna), clock.now()) == []
    assert [m.name for m in await task_giving.teammates(session, actor(anna))] == []


async def test_a_deactivated_manager_s_task_falls_due_to_the_owners(
    session: AsyncSession, clock: ManualClock
) -> None:
    await person(session, 1, "owner", clock, "Olga")
    anna = await person(session, 200, "manager", clock, "Anna")
    bako = await person(session, 201, "manager", clock, "Bako")
    task = await task_giving.give(
        session, actor(anna), "Count the chairs", bako.id, clock.now() + HOUR, clock.now()
    )
    bako.is_active = False
    await session.commit()
    clock.advance(HOUR)
    assert await task_sweeps.due_sweep(session, clock.now()) == 1
    due = {"task_id": task.task_id, "version": 1, "theirs": True}
    assert (await queued(session))[1:] == [(1, "task_due", due)]


async def test_who_gave_a_task_and_has_left_is_not_told_it_is_done(
    session: AsyncSession, clock: ManualClock
) -> None:
    anna = await person(session, 200, "manager", clock, "Anna")
    bako = await person(session, 201, "manager", clock, "Bako")
    task = await task_giving.give(
        session, actor(anna), "Count the chairs", bako.id, clock.now() + HOUR, clock.now()
    )
    anna.is_active = False
    await session.commit()
    await tasks.complete(session, actor(bako), task.task_id, clock.now())
    assert [row[1] for row in await queued(session)] == ["task_given"]
