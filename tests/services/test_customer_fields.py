"""A customer field changed on the customer's card reaches the rules as a change made on a
request's card does: the rules on its change act once, on their latest open request (on the
latest when none is open), and the date rules counting from it move on every request of
theirs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import customer_fields, fields, pipeline
from services.access import Actor
from services.clock import ManualClock
from services.db.customers import Customer
from services.db.deals import Deal
from services.db.rules import RuleRun, RuleTimer
from services.db.users import User
from tests.support.rules import rule
from tests.support.seed import deal_for, setup_deal

MAY_31 = datetime(2026, 5, 31, 0, 0, tzinfo=UTC)
JUNE_30 = datetime(2026, 6, 30, 0, 0, tzinfo=UTC)


async def typed(
    session: AsyncSession, actor: Actor, field_id: int, text: str, clock: ManualClock
) -> None:
    clock.advance(timedelta(minutes=1))
    customer = await session.get_one(Customer, 1)
    await session.refresh(customer)
    await customer_fields.set_typed(
        session, actor, 1, customer.version, field_id, text, clock.now()
    )


async def acted_on(session: AsyncSession, rule_id: int) -> list[int]:
    deals = await session.scalars(
        select(RuleRun.deal_id)
        .where(RuleRun.rule_id == rule_id)
        .order_by(RuleRun.deal_id, RuleRun.id)
    )
    return list(deals)


async def due(session: AsyncSession, rule_id: int) -> list[tuple[int, datetime]]:
    rows = await session.execute(
        select(RuleTimer.deal_id, RuleTimer.due_at)
        .where(RuleTimer.rule_id == rule_id)
        .order_by(RuleTimer.deal_id)
    )
    return [(deal_id, at) for deal_id, at in rows.all()]


async def test_the_rules_hear_it_once_on_the_latest_open_request_and_dates_move_on_all(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    visit = await fields.add(
        session, owner, "customer", "date", {"en": "Next visit"}, None, clock.now()
    )
    anna = await session.get_one(User, manager.user_id)
    second = await deal_for(session, anna, clock, customer_id=1)
    closed = await deal_for(session, anna, clock, customer_id=1)
    await pipeline.lose(session, manager, closed.id, closed.version, "price", clock.now())
    dated = await rule(
        session,
        owner,
        clock,
        name="Before the visit",
        when={"event": "date", "of": "field:next_visit", "days": -1},
        then=[{"do": "tag", "tag": "visit"}],
    )
    changed = await rule(
        session,
        owner,
        clock,
        name="Visit set",
        when={"event": "field_changed", "field": "next_visit"},
        **{"if": [{"fact": "field:next_visit", "op": "filled"}]},
        then=[{"do": "tag", "tag": "call"}],
    )
    await typed(session, manager, visit.field_id, "2026-06-01", clock)
    # Not on request 1, open too but older: a rule that writes to the customer writes once.
    assert await acted_on(session, changed) == [second.id]
    assert await due(session, dated) == [(1, MAY_31), (second.id, MAY_31), (closed.id, MAY_31)]
    await typed(session, owner, visit.field_id, "01.07.2026", clock)
    assert await due(session, dated) == [(1, JUNE_30), (second.id, JUNE_30), (closed.id, JUNE_30)]
    assert await acted_on(session, changed) == [second.id, second.id]
    customer = await session.get_one(Customer, 1)
    await customer_fields.clear(session, owner, 1, customer.version, visit.field_id, clock.now())
    assert await due(session, dated) == []
    assert len(await acted_on(session, changed)) == 2  # an empty date does not hold


async def test_with_no_request_open_the_latest_one_hears_it(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    tier = await fields.add(session, owner, "customer", "text", {"en": "Tier"}, None, clock.now())
    first = await session.get_one(Deal, 1)
    await pipeline.lose(session, manager, 1, first.version, "price", clock.now())
    anna = await session.get_one(User, manager.user_id)
    later = await deal_for(session, anna, clock, customer_id=1)
    await pipeline.lose(session, manager, later.id, later.version, "price", clock.now())
    changed = await rule(
        session,
        owner,
        clock,
        when={"event": "field_changed", "field": "tier"},
        then=[{"do": "tag", "tag": "tier"}],
    )
    await typed(session, owner, tier.field_id, "Gold", clock)
    assert await acted_on(session, changed) == [later.id]
