"""Time rules wait as timers and fire once when their moment comes: the escalation of a request
nobody takes, idle deals, dates with repeats (in company time, across a clock change), overdue
tasks."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from services import contracts, conversation, fields, pipeline, tasks
from services.assignment import WorkingHours
from services.clock import ManualClock
from services.company import session_info
from services.db.deals import Deal, Event
from services.db.engine import session_factory
from services.db.outbox import Outbox
from services.db.rules import RuleRun, RuleTimer
from services.db.users import User
from services.reports.worktime import parse_schedule
from services.rules.sweep import sweep
from tests.support.db import PG_URL
from tests.support.rules import rule
from tests.support.seed import add_user, deal_for, setup_deal

HOURS = WorkingHours(parse_schedule("mon-fri 09:00-18:00"), ZoneInfo("Asia/Baku"))


async def runs(session: AsyncSession, rule_id: int) -> list[str]:
    keys = await session.scalars(
        select(RuleRun.event_key).where(RuleRun.rule_id == rule_id).order_by(RuleRun.id)
    )
    return list(keys)


async def sweep_at(session: AsyncSession, clock: ManualClock, after: timedelta) -> int:
    clock.advance(after)
    return await sweep(session, clock.now())


async def test_a_request_nobody_takes_goes_to_the_next_manager_then_to_the_owners(
    engine: AsyncEngine, clock: ManualClock
) -> None:
    # Monday 13:00 in Baku; working hours 09–18 there.
    async with session_factory(engine, session_info(HOURS))() as session:
        owner_user = await add_user(session, 1, "owner", clock)
        first = await add_user(session, 10, "manager", clock)
        second = await add_user(session, 20, "manager", clock)
        from tests.support.seed import actor

        owner = actor(owner_user)
        await rule(
            session,
            owner,
            clock,
            name="Next",
            when={"event": "no_response", "minutes": 15},
            then=[{"do": "assign", "to": "next"}],
        )
        await rule(
            session,
            owner,
            clock,
            name="Owners",
            when={"event": "no_response", "minutes": 30},
            then=[
                {"do": "assign", "to": "owners"},
                {"do": "message", "to": "owners", "text": {"en": "#{number} waits"}},
            ],
        )
        customer = await add_user(session, 100, "customer", clock)
        from services.content import Content
        from services.intake import Request

        await conversation.customers_write(
            session, [Request(actor(customer), Content("chairs"))], clock.now(), HOURS
        )
        deal = await session.get_one(Deal, 1)
        assert deal.manager_id == first.id
        assert await sweep_at(session, clock, timedelta(minutes=14, seconds=59)) == 0
        assert await sweep_at(session, clock, timedelta(seconds=1)) == 1
        deal = await session.get_one(Deal, 1, populate_existing=True)
        assert deal.manager_id == second.id
        cards = await session.execute(
            select(Outbox.chat_id, Outbox.kind)
            .where(Outbox.kind.in_(("deal_card", "deal_handed_over")))
            .order_by(Outbox.id)
        )
        assert [tuple(row) for row in cards.all()][-2:] == [
            (20, "deal_card"),
            (10, "deal_handed_over"),
        ]
        assert await sweep_at(session, clock, timedelta(minutes=15)) == 1
        deal = await session.get_one(Deal, 1, populate_existing=True)
        assert deal.manager_id == owner_user.id
        told = await session.scalars(select(Outbox).where(Outbox.kind == "rule_message"))
        assert [(row.chat_id, row.payload["deal_id"]) for row in told] == [(1, 1)]
        history = await session.execute(
            select(Event.kind, Event.to_value, Event.rule_id)
            .where(Event.deal_id == 1, Event.rule_id.is_not(None))
            .order_by(Event.id)
        )
        assert [(kind, to) for kind, to, _ in history.all()] == [
            ("assigned", str(second.id)),
            ("assigned", str(owner_user.id)),
            ("rule_message", "owners"),
        ]
        assert await sweep_at(session, clock, timedelta(hours=1)) == 0


async def test_the_wait_is_counted_in_working_minutes(
    engine: AsyncEngine, clock: ManualClock
) -> None:
    # Monday 17:55 in Baku is 13:55 UTC: 5 minutes today, 10 more from 09:00 on Tuesday.
    clock.advance(timedelta(hours=4, minutes=55))
    async with session_factory(engine, session_info(HOURS))() as session:
        manager, owner, _ = await setup_deal(session, clock)
        made = await rule(
            session,
            owner,
            clock,
            when={"event": "no_response", "minutes": 15},
            then=[{"do": "tag", "tag": "late"}],
        )
        timer = await session.scalar(select(RuleTimer).where(RuleTimer.rule_id == made))
        assert timer is not None
        assert timer.due_at == datetime(2026, 3, 3, 5, 10, tzinfo=UTC)
        assert manager.user_id


async def test_a_request_answered_in_time_is_not_escalated(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = None
    manager, owner, _ = await setup_deal(session, clock)
    made = await rule(
        session,
        owner,
        clock,
        when={"event": "no_response", "minutes": 15},
        then=[{"do": "assign", "to": "owners"}],
    )
    await conversation.take(session, manager, 1, clock.now())
    assert await sweep_at(session, clock, timedelta(minutes=20)) == 1
    assert await runs(session, made) == []
    assert (await session.get_one(Deal, 1, populate_existing=True)).manager_id == manager.user_id


async def test_an_idle_deal_fires_once_per_quiet_spell(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    made = await rule(
        session,
        owner,
        clock,
        when={"event": "idle", "days": 3},
        then=[{"do": "task", "to": "manager", "note": "Call them"}],
    )
    await sweep_at(session, clock, timedelta(days=2))
    await pipeline.add_note(session, manager, 1, 1, "called", clock.now())
    # Three days after the start, but only one after the note.
    await sweep_at(session, clock, timedelta(days=1, minutes=1))
    assert await runs(session, made) == []
    await sweep_at(session, clock, timedelta(days=2))
    assert len(await runs(session, made)) == 1
    await sweep_at(session, clock, timedelta(days=1))
    await sweep_at(session, clock, timedelta(days=3))
    assert len(await runs(session, made)) == 1  # no activity since: the same quiet spell
    count = await session.scalar(select(func.count()).select_from(tasks.Task))
    assert count == 1


async def test_a_date_rule_repeats_every_month_at_opening_time_across_a_clock_change(
    engine: AsyncEngine, clock: ManualClock
) -> None:
    zone = ZoneInfo("Europe/Berlin")
    hours = WorkingHours(parse_schedule("mon-fri 09:00-18:00"), zone)
    async with session_factory(engine, session_info(hours))() as session:
        manager, owner, _ = await setup_deal(session, clock)
        made = await rule(
            session,
            owner,
            clock,
            when={"event": "date", "of": "contract_end", "days": -7, "every_months": 1},
            then=[{"do": "task", "to": "manager", "note": "Renewal"}],
        )
        await contracts.set_contract(
            session, manager, 1, "C-1", date(2026, 3, 1), date(2026, 3, 10), clock.now()
        )
        timer = await session.scalar(select(RuleTimer).where(RuleTimer.rule_id == made))
        assert timer is not None
        # 3 March 09:00 in Berlin (winter, UTC+1).
        assert timer.due_at == datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
        await sweep_at(session, clock, timedelta(days=1))
        await session.refresh(timer)
        # 3 April 09:00 in Berlin (summer, UTC+2).
        assert timer.due_at == datetime(2026, 4, 3, 7, 0, tzinfo=UTC)
        assert len(await runs(session, made)) == 1


async def test_an_overdue_task_fires_once(session: AsyncSession, clock: ManualClock) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    made = await rule(
        session,
        owner,
        clock,
        when={"event": "task_overdue"},
        then=[{"do": "message", "to": "owners", "text": {"en": "Late: #{number}"}}],
    )
    await tasks.remind(session, manager, 1, clock.now() + timedelta(hours=1), clock.now())
    await sweep_at(session, clock, timedelta(minutes=59))
    assert await runs(session, made) == []
    await sweep_at(session, clock, timedelta(minutes=2))
    await sweep_at(session, clock, timedelta(minutes=2))
    assert len(await runs(session, made)) == 1


@pytest.mark.skipif(not PG_URL, reason="workers share the timers on PostgreSQL")
async def test_workers_sweeping_together_fire_each_timer_once(
    engine: AsyncEngine, clock: ManualClock
) -> None:
    sessions = session_factory(engine)
    async with sessions() as session:
        _, owner, _ = await setup_deal(session, clock)
        made = await rule(
            session,
            owner,
            clock,
            when={"event": "idle", "days": 1},
            then=[{"do": "tag", "tag": "quiet"}],
        )
    clock.advance(timedelta(days=2))

    async def one() -> int:
        async with sessions() as session:
            return await sweep(session, clock.now())

    assert sum(await asyncio.gather(*(one() for _ in range(4)))) == 1
    async with sessions() as session:
        assert len(await runs(session, made)) == 1


async def test_a_repeating_date_already_past_fires_at_its_next_repeat_and_only_then(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    # The contract ended ten days ago; the rule repeats every day at opening time.
    await contracts.set_contract(
        session, manager, 1, "C-1", date(2025, 3, 1), date(2026, 2, 20), clock.now()
    )
    made = await rule(
        session,
        owner,
        clock,
        when={"event": "date", "of": "contract_end", "every_days": 1},
        then=[{"do": "message", "to": "customer", "text": {"en": "Time for a service"}}],
    )
    timer = await session.scalar(select(RuleTimer).where(RuleTimer.rule_id == made))
    assert timer is not None
    # Opening time (00:00 round the clock) tomorrow: never a burst of the missed days.
    assert timer.due_at == datetime(2026, 3, 3, 0, 0, tzinfo=UTC)
    for _ in range(5):
        await sweep_at(session, clock, timedelta(seconds=30))
    assert await runs(session, made) == []
    await sweep_at(session, clock, timedelta(hours=15))
    await sweep_at(session, clock, timedelta(seconds=30))
    assert len(await runs(session, made)) == 1


async def test_a_contract_not_renewing_is_not_reminded_by_a_date_rule(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    made = await rule(
        session,
        owner,
        clock,
        when={"event": "date", "of": "contract_end", "days": -7},
        then=[{"do": "task", "to": "manager", "note": "Renew?"}],
    )
    saved = await contracts.set_contract(
        session, manager, 1, "C-1", date(2025, 3, 20), date(2026, 3, 20), clock.now()
    )
    await contracts.not_renewing(session, manager, saved.contract_id, "moved away", clock.now())
    await sweep_at(session, clock, timedelta(days=12))
    assert await runs(session, made) == []
    assert await session.scalar(select(func.count()).select_from(tasks.Task)) == 0


async def test_a_web_request_is_seen_by_rules_whole_and_keeps_the_rules_choice(
    session: AsyncSession, clock: ManualClock
) -> None:
    from services import leads

    owner_user = await add_user(session, 1, "owner", clock)
    await add_user(session, 10, "manager", clock)
    chosen = await add_user(session, 20, "manager", clock)
    from tests.support.seed import actor

    await rule(
        session,
        actor(owner_user),
        clock,
        when={"event": "created", "sources": ["web"]},
        **{"if": [{"fact": "manager", "op": "filled"}]},
        then=[{"do": "assign", "user": chosen.id}],
    )
    lead = leads.Lead("Leyla", "+994501234567", None, "Chairs", "instagram", "x-1")
    await leads.submit_lead(session, lead, token_id=None, region="AZ", now=clock.now())
    deal = await session.get_one(Deal, 1, populate_existing=True)
    assert deal.manager_id == chosen.id


async def test_a_reopened_deal_waits_anew_for_an_idle_rule(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    made = await rule(
        session,
        owner,
        clock,
        when={"event": "idle", "days": 2},
        then=[{"do": "tag", "tag": "quiet"}],
    )
    await pipeline.lose(session, manager, 1, 1, "price", clock.now())
    await sweep_at(session, clock, timedelta(days=3))  # closed: its timer goes
    await pipeline.reopen(session, owner, 1, 2, clock.now())
    await sweep_at(session, clock, timedelta(days=2, minutes=1))
    assert len(await runs(session, made)) == 1


async def test_a_customers_date_moves_the_date_rules_timers_on_each_of_their_deals(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    field = await fields.add(
        session, owner, "customer", "date", {"en": "Birthday"}, None, clock.now()
    )
    await fields.set_typed(session, manager, 1, field.field_id, "2026-06-01", clock.now())
    # The same customer's second request.
    first = await session.get_one(Deal, 1)
    anna = await session.get_one(User, manager.user_id)
    second = await deal_for(session, anna, clock, customer_id=first.customer_id)
    made = await rule(
        session,
        owner,
        clock,
        when={"event": "date", "of": "field:birthday", "days": -1},
        then=[{"do": "tag", "tag": "birthday"}],
    )

    async def due() -> list[tuple[int | None, datetime]]:
        rows = await session.execute(
            select(RuleTimer.deal_id, RuleTimer.due_at)
            .where(RuleTimer.rule_id == made)
            .order_by(RuleTimer.deal_id)
        )
        return [(deal_id, at) for deal_id, at in rows.all()]

    may_31 = datetime(2026, 5, 31, 0, 0, tzinfo=UTC)
    assert await due() == [(1, may_31), (second.id, may_31)]
    # Changed through the second request: both requests follow.
    await fields.set_typed(session, manager, second.id, field.field_id, "2026-07-01", clock.now())
    june_30 = datetime(2026, 6, 30, 0, 0, tzinfo=UTC)
    assert await due() == [(1, june_30), (second.id, june_30)]
