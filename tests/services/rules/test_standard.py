"""The standard rules: each is on with the settings' value until an owner changes it, and the code
doing its work reads the change at once (no restart); switched off, it does nothing; each time
it acts is counted."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import contracts, pipeline, task_sweeps, tasks
from services.access import Actor
from services.calls import CallEvent, record_call
from services.clock import ManualClock
from services.db.outbox import Outbox
from services.db.tasks import Task
from services.errors import AccessDenied, Conflict, ErrorCode, InvalidInput, NotFound
from services.renewals import renewal_sweep
from services.rules import standard
from tests.support.seed import actor, add_user, deal_for, person, setup_deal

DEFAULTS = standard.Defaults(
    timedelta(minutes=15), timedelta(hours=2), (30, 7, 1), timedelta(hours=24)
)
BAKU = ZoneInfo("Asia/Baku")


async def kinds(session: AsyncSession) -> list[str]:
    return list(await session.scalars(select(Outbox.kind).order_by(Outbox.id)))


async def owner(session: AsyncSession, clock: ManualClock) -> Actor:
    return actor(await person(session, 1, "owner", clock, "Olga"))


async def missed(session: AsyncSession, clock: ManualClock, external_id: str) -> dict[str, object]:
    call = CallEvent("+994501234567", "missed", "in", external_id)
    answer, _ = await record_call(
        session,
        call,
        token_id=None,
        region="AZ",
        callback_after=timedelta(hours=2),
        now=clock.now(),
    )
    await session.commit()
    return dict(answer)


async def test_a_new_business_has_each_rule_on_with_the_settings_values(
    session: AsyncSession, clock: ManualClock
) -> None:
    olga = await owner(session, clock)
    found = await standard.overview(session, olga, DEFAULTS)
    assert [(rule.key, rule.enabled, rule.value, rule.fired) for rule in found] == [
        ("escalation", True, (15,), 0),
        ("callback", True, (120,), 0),
        ("renewals", True, (30, 7, 1), 0),
        ("stage_notices", True, (), 0),
        ("overdue", True, (1440,), 0),
        ("feedback", True, (1,), 0),
    ]


async def test_the_call_back_delay_changed_and_switched_off(
    session: AsyncSession, clock: ManualClock
) -> None:
    olga = await owner(session, clock)
    anna = await person(session, 200, "manager", clock, "Anna")
    first = await missed(session, clock, "c1")
    task = await session.get_one(Task, first["task_id"])
    assert task.due_at == clock.now() + timedelta(hours=2)
    await standard.change(session, olga, "callback", 0, (30,), clock.now(), DEFAULTS)
    await tasks.complete(session, actor(anna), task.id, clock.now())

    second = await missed(session, clock, "c2")
    assert second["action"] == "callback_task"
    task = await session.get_one(Task, second["task_id"])
    assert task.due_at == clock.now() + timedelta(minutes=30)
    rule = await standard.detail(session, olga, "callback", DEFAULTS)
    assert (rule.fired, rule.last_run_at, rule.version) == (2, clock.now(), 1)

    await standard.switch(session, olga, "callback", 1, clock.now(), DEFAULTS)
    before = await kinds(session)
    third = await missed(session, clock, "c3")
    assert third["action"] == "recorded" and third["task_id"] is None
    assert await kinds(session) == before
    open_tasks = await session.scalars(select(Task).where(Task.done_at.is_(None)))
    assert [t.id for t in open_tasks] == [second["task_id"]]


async def test_renewal_days_changed_and_switched_off(
    session: AsyncSession, clock: ManualClock
) -> None:
    olga = await owner(session, clock)
    anna = await person(session, 200, "manager", clock, "Anna")
    deal = await deal_for(session, anna, clock)
    await contracts.set_contract(
        session, actor(anna), deal.id, "A-1", date(2025, 4, 1), date(2026, 4, 15), clock.now()
    )
    await standard.change(session, olga, "renewals", 0, (14,), clock.now(), DEFAULTS)
    thirty_before = datetime(2026, 3, 16, 7, 0, tzinfo=UTC)
    assert await renewal_sweep(session, thirty_before, BAKU, [30, 7, 1]) == 0
    fourteen_before = datetime(2026, 4, 1, 7, 0, tzinfo=UTC)
    await standard.switch(session, olga, "renewals", 1, clock.now(), DEFAULTS)
    assert await renewal_sweep(session, fourteen_before, BAKU, [30, 7, 1]) == 0
    await standard.switch(session, olga, "renewals", 2, clock.now(), DEFAULTS)
    assert await renewal_sweep(session, fourteen_before, BAKU, [30, 7, 1]) == 1
    assert await kinds(session) == ["renewal_due"]
    rule = await standard.detail(session, olga, "renewals", DEFAULTS)
    assert (rule.enabled, rule.value, rule.fired) == (True, (14,), 1)


async def test_stage_notices_switched_off_and_on(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, olga, _ = await setup_deal(session, clock)
    # Stage 2 is marked 🔔.
    await standard.switch(session, olga, "stage_notices", 0, clock.now(), DEFAULTS)
    await pipeline.move(session, manager, 1, 1, 2, clock.now())
    assert "stage_notice" not in await kinds(session)
    await standard.switch(session, olga, "stage_notices", 1, clock.now(), DEFAULTS)
    await pipeline.move(session, manager, 1, 2, 1, clock.now())
    await pipeline.move(session, manager, 1, 3, 2, clock.now())
    assert (await kinds(session)).count("stage_notice") == 1
    rule = await standard.detail(session, olga, "stage_notices", DEFAULTS)
    assert rule.fired == 1


async def test_the_overdue_report_waits_as_long_as_the_owner_says(
    session: AsyncSession, clock: ManualClock
) -> None:
    olga = await owner(session, clock)
    anna = await person(session, 200, "manager", clock, "Anna")
    deal = await deal_for(session, anna, clock)
    await tasks.remind(
        session, actor(anna), deal.id, clock.now() + timedelta(hours=1), clock.now()
    )
    await standard.change(session, olga, "overdue", 0, (240,), clock.now(), DEFAULTS)
    clock.advance(timedelta(hours=5, seconds=1))
    await standard.switch(session, olga, "overdue", 1, clock.now(), DEFAULTS)
    assert await task_sweeps.overdue_sweep(session, clock.now(), timedelta(hours=24)) == 0
    await standard.switch(session, olga, "overdue", 2, clock.now(), DEFAULTS)
    assert await task_sweeps.overdue_sweep(session, clock.now(), timedelta(hours=24)) == 1
    row = await session.scalar(select(Outbox).where(Outbox.kind == "task_overdue"))
    assert row is not None and row.payload["after"] == 4 * 3600
    rule = await standard.detail(session, olga, "overdue", DEFAULTS)
    assert (rule.fired, rule.last_run_at) == (1, clock.now())


async def test_only_owners_change_them_and_bad_values_change_nothing(
    session: AsyncSession, clock: ManualClock
) -> None:
    olga = await owner(session, clock)
    anna = actor(await add_user(session, 200, "manager", clock))
    with pytest.raises(AccessDenied):
        await standard.overview(session, anna, DEFAULTS)
    with pytest.raises(AccessDenied):
        await standard.switch(session, anna, "callback", 0, clock.now(), DEFAULTS)
    with pytest.raises(NotFound):
        await standard.detail(session, olga, "nope", DEFAULTS)
    refused = [
        ("callback", (4,), ErrorCode.RULE_NUMBER),
        ("callback", (60, 120), ErrorCode.RULE_NUMBER),
        ("overdue", (59,), ErrorCode.RULE_NUMBER),
        ("renewals", (400,), ErrorCode.RULE_NUMBER),
        ("renewals", (), ErrorCode.RULE_NUMBER),
        ("renewals", (60, 30, 14, 7, 3, 1), ErrorCode.RULE_DAYS),
        ("stage_notices", (1,), ErrorCode.INVALID_INPUT),
        ("feedback", (3,), ErrorCode.RULE_NUMBER),
    ]
    for key, value, code in refused:
        with pytest.raises(InvalidInput) as error:
            await standard.change(session, olga, key, 0, value, clock.now(), DEFAULTS)
        assert error.value.code == code, (key, value)
    with pytest.raises(Conflict):
        await standard.switch(session, olga, "callback", 3, clock.now(), DEFAULTS)
    found = await standard.overview(session, olga, DEFAULTS)
    assert [(r.enabled, r.version) for r in found] == [(True, 0)] * 6
    # Days typed in any order, repeated, come out latest first.
    assert standard.read_days("7, 30 7;1") == (7, 30, 7, 1)
    saved = await standard.change(
        session, olga, "renewals", 0, (7, 30, 7, 1), clock.now(), DEFAULTS
    )
    assert saved.value == (30, 7, 1)
    for typed in ("", "thirty", "7,-1", "٣"):
        with pytest.raises(InvalidInput):
            standard.read_days(typed)
