"""A rule's discount on the whole deal: its form checked, given in the transaction of the change
that triggers it (the deal's amount becoming the discounted total), once per deal and event,
in place of the rule's own earlier one, and left out on a deal with no items or closed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import fields
from services.access import Actor
from services.clock import ManualClock
from services.db.catalog import Discount
from services.db.deals import Deal, Event, Stage
from services.db.rules import DealTag, Rule, RuleRun
from services.field_kinds import FieldView
from services.rules import engine
from services.rules.happened import Happened
from services.rules.invalid import RuleInvalid
from services.rules.model import parse_action
from tests.support.catalog_seed import discount_by, floor
from tests.support.rules import rule
from tests.support.seed import setup_deal


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ({"percent": "5"}, {"percent": "5"}),
        ({"percent": 12.5}, {"percent": "12.5"}),
        ({"percent": "100"}, {"percent": "100"}),
        ({"percent": "0.01"}, {"percent": "0.01"}),
        ({"amount": 50}, {"amount": "50"}),
        ({"amount": "49.90"}, {"amount": "49.90"}),
        ({"amount": "7.500"}, {"amount": "7.50"}),
        ({"amount": 10**12}, {"amount": "1000000000000"}),
    ],
)
def test_a_discount_is_a_percent_or_an_amount_kept_as_a_decimal_string(
    written: dict[str, Any], stored: dict[str, str]
) -> None:
    action = parse_action({"do": "discount", **written}, "then.1")
    assert (action.kind, dict(action.params)) == ("discount", stored)


@pytest.mark.parametrize(
    ("written", "where", "problem"),
    [
        ({}, "then.1.percent", "missing"),
        ({"percent": "0"}, "then.1.percent", "out_of_range"),
        ({"percent": "-5"}, "then.1.percent", "out_of_range"),
        ({"percent": "100.01"}, "then.1.percent", "out_of_range"),
        ({"percent": "5.125"}, "then.1.percent", "places"),
        ({"percent": "5%"}, "then.1.percent", "not_number"),
        ({"percent": True}, "then.1.percent", "not_number"),
        ({"percent": None}, "then.1.percent", "not_number"),
        ({"amount": "0"}, "then.1.amount", "out_of_range"),
        ({"amount": 10**12 + 1}, "then.1.amount", "out_of_range"),
        ({"amount": "0.001"}, "then.1.amount", "places"),
        ({"amount": "fifty"}, "then.1.amount", "not_number"),
        ({"amount": "NaN"}, "then.1.amount", "not_number"),
        ({"amount": "Infinity"}, "then.1.amount", "not_number"),
        ({"percent": "5", "amount": "50"}, "then.1.amount", "one_discount"),
        ({"percent": "5", "on": "item"}, "then.1.on", "unknown"),
    ],
)
def test_a_bad_discount_is_refused_naming_its_part(
    written: dict[str, Any], where: str, problem: str
) -> None:
    with pytest.raises(RuleInvalid) as refused:
        parse_action({"do": "discount", **written}, "then.1")
    assert (refused.value.where, refused.value.problem) == (where, problem)


async def wholesale_rule(
    session: AsyncSession, owner: Actor, clock: ManualClock, off: dict[str, str]
) -> tuple[FieldView, int]:
    """A yes/no field Wholesale, and a rule: when it changes and is yes, the discount `off`."""
    wholesale = await fields.add(
        session, owner, "deal", "yes_no", {"en": "Wholesale"}, None, clock.now()
    )
    made = await rule(
        session,
        owner,
        clock,
        name="Wholesale",
        when={"event": "field_changed", "field": wholesale.key},
        **{"if": [{"fact": f"field:{wholesale.key}", "op": "eq", "value": True}]},
        then=[{"do": "discount", **off}],
    )
    return wholesale, made


async def by_rule(session: AsyncSession, rule_id: int) -> list[tuple[str, str | None, str | None]]:
    rows = await session.execute(
        select(Event.kind, Event.from_value, Event.to_value)
        .where(Event.rule_id == rule_id)
        .order_by(Event.id)
    )
    return [(kind, old, new) for kind, old, new in rows.all()]


async def discounts(session: AsyncSession) -> list[tuple[Any, ...]]:
    rows = await session.scalars(select(Discount).order_by(Discount.id))
    return [(d.item_id, d.kind, d.value, d.by_id, d.rule_id, d.state) for d in rows.all()]


async def deal(session: AsyncSession) -> Deal:
    return await session.get_one(Deal, 1, populate_existing=True)


async def test_a_yes_in_a_field_gives_the_deal_its_discount_and_the_amount_follows(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    wholesale, made = await wholesale_rule(session, owner, clock, {"percent": "5"})
    await floor(session, 1)
    version = (await deal(session)).version

    await fields.set_picked(session, manager, 1, wholesale.field_id, 0, clock.now())
    assert await discounts(session) == []  # "no" does not hold
    await fields.set_picked(session, manager, 1, wholesale.field_id, 1, clock.now())

    # 345.00, less 5% (17.25).
    after = await deal(session)
    assert after.amount == Decimal("327.75")
    assert after.version > version
    assert await discounts(session) == [(None, "percent", Decimal("5.00"), None, made, "applied")]
    assert await by_rule(session, made) == [
        ("discount", "deal", "percent:5"),
        ("amount", None, "327.75"),
    ]
    stored = await session.get_one(Rule, made, populate_existing=True)
    assert stored.fired == 1


async def test_an_amount_off_counts_after_a_persons_discount_and_a_second_firing_replaces_it(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    wholesale, made = await wholesale_rule(session, owner, clock, {"amount": "50"})
    await floor(session, 1)
    await discount_by(session, 1, manager.user_id, "percent", "10")
    await session.commit()

    await fields.set_picked(session, manager, 1, wholesale.field_id, 1, clock.now())
    # 345.00 less the manager's 10% (34.50): 310.50, less the rule's 50.
    assert (await deal(session)).amount == Decimal("260.50")
    clock.advance(timedelta(minutes=5))
    await fields.set_picked(session, manager, 1, wholesale.field_id, 0, clock.now())
    clock.advance(timedelta(minutes=5))
    await fields.set_picked(session, manager, 1, wholesale.field_id, 1, clock.now())

    assert (await deal(session)).amount == Decimal("260.50")
    assert await discounts(session) == [
        (None, "percent", Decimal("10.00"), manager.user_id, None, "applied"),
        (None, "amount", Decimal("50.00"), None, made, "applied"),
    ]
    # Given twice, the second in place of the first; the amount changed only the first time.
    assert await by_rule(session, made) == [
        ("discount", "deal", "amount:50"),
        ("amount", None, "260.50"),
        ("discount", "deal", "amount:50"),
    ]


async def test_a_rule_gives_its_discount_once_per_deal_and_event(
    session: AsyncSession, clock: ManualClock
) -> None:
    _, owner, _ = await setup_deal(session, clock)
    second = await session.scalar(select(Stage.id).where(Stage.position == 2))
    made = await rule(
        session,
        owner,
        clock,
        when={"event": "stage_entered", "stage": second},
        then=[{"do": "discount", "percent": "10"}],
    )
    await floor(session, 1)
    entered = Happened("stage_entered", 1, "stage:entered-once", {"stage": second})

    for _ in range(2):
        await engine.fire(session, [entered], clock.now())
        await session.commit()

    assert (await deal(session)).amount == Decimal("310.50")
    assert len(await discounts(session)) == 1
    assert [kind for kind, _, _ in await by_rule(session, made)] == ["discount", "amount"]
    assert await session.scalar(select(func.count()).select_from(RuleRun)) == 1


async def test_the_new_amount_triggers_other_rules_but_never_the_rule_that_gave_it(
    session: AsyncSession, clock: ManualClock
) -> None:
    _manager, owner, _ = await setup_deal(session, clock)
    given = await rule(
        session,
        owner,
        clock,
        name="Given",
        when={"event": "field_changed", "field": "amount"},
        then=[{"do": "discount", "amount": "45"}],
    )
    told = await rule(
        session,
        owner,
        clock,
        name="Told",
        when={"event": "field_changed", "field": "amount"},
        **{"if": [{"fact": "amount", "op": "eq", "value": "300"}]},
        then=[{"do": "tag", "tag": "discounted"}],
    )
    await floor(session, 1)
    clock.advance(timedelta(minutes=1))

    await engine.fire(
        session,
        [Happened("field_changed", 1, "typed", {"field": "amount", "old": None, "new": "345"})],
        clock.now(),
    )
    await session.commit()

    assert (await deal(session)).amount == Decimal("300.00")
    assert [kind for kind, _, _ in await by_rule(session, given)] == ["discount", "amount"]
    assert await by_rule(session, told) == [("tagged", None, "discounted")]
    assert set(await session.scalars(select(DealTag.tag))) == {"discounted"}
    assert await session.scalar(select(func.count()).select_from(RuleRun)) == 2


async def test_a_deal_without_items_is_left_as_it_is_and_the_rule_still_ran(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    wholesale, made = await wholesale_rule(session, owner, clock, {"percent": "5"})
    before = await deal(session)
    amount, version = before.amount, before.version

    await fields.set_picked(session, manager, 1, wholesale.field_id, 1, clock.now())

    after = await deal(session)
    assert (after.amount, after.version) == (amount, version)
    assert await discounts(session) == []
    assert await by_rule(session, made) == []
    stored = await session.get_one(Rule, made, populate_existing=True)
    assert (stored.fired, stored.enabled) == (1, True)


async def test_a_closed_deal_is_left_as_it_is(session: AsyncSession, clock: ManualClock) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    wholesale, made = await wholesale_rule(session, owner, clock, {"percent": "5"})
    await floor(session, 1)
    closed = await deal(session)
    closed.closed_at = clock.now()
    await session.commit()

    await fields.set_picked(session, manager, 1, wholesale.field_id, 1, clock.now())

    assert await discounts(session) == []
    assert await by_rule(session, made) == []
