"""Rules fire in the transaction of the change that triggers them: each trigger, condition and
action, once per deal and event, never in a loop, and recorded as by the rule."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import conversation, fields, pipeline
from services.clock import ManualClock
from services.content import Content
from services.db.deals import Deal, Event, Stage
from services.db.outbox import Outbox
from services.db.rules import DealTag, Rule, RuleRun
from services.db.tasks import Task
from services.intake import Request
from services.rules import manage
from services.rules.invalid import RuleInvalid
from tests.support.rules import rule
from tests.support.seed import actor, add_user, setup_deal


async def stage_id(session: AsyncSession, position: int) -> int:
    found = await session.scalar(select(Stage.id).where(Stage.position == position))
    assert found is not None
    return found


async def tags(session: AsyncSession, deal_id: int = 1) -> set[str]:
    return set(await session.scalars(select(DealTag.tag).where(DealTag.deal_id == deal_id)))


async def by_rule(session: AsyncSession, rule_id: int) -> list[tuple[str, str | None]]:
    rows = await session.execute(
        select(Event.kind, Event.to_value).where(Event.rule_id == rule_id).order_by(Event.id)
    )
    return [(kind, to) for kind, to in rows.all()]


async def test_a_created_request_is_tagged_by_source_and_the_tag_is_in_its_history(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = actor(await add_user(session, 1, "owner", clock))
    made = await rule(
        session,
        owner,
        clock,
        when={"event": "created", "sources": ["telegram"]},
        then=[{"do": "tag", "tag": "#Chat"}],
    )
    other = await rule(
        session,
        owner,
        clock,
        name="Phone only",
        when={"event": "created", "sources": ["phone"]},
        then=[{"do": "tag", "tag": "phone"}],
    )
    await setup_deal_without_owner(session, clock)
    assert await tags(session) == {"chat"}
    assert await by_rule(session, made) == [("tagged", "chat")]
    assert await by_rule(session, other) == []
    stored = await session.get_one(Rule, made, populate_existing=True)
    assert (stored.fired, stored.last_run_at) == (1, clock.now())


async def setup_deal_without_owner(session: AsyncSession, clock: ManualClock) -> None:
    manager = await add_user(session, 10, "manager", clock)
    customer = await add_user(session, 100, "customer", clock)
    await conversation.customers_write(
        session, [Request(actor(customer), Content("chairs"))], clock.now()
    )
    assert manager.id


async def test_conditions_must_all_hold(session: AsyncSession, clock: ManualClock) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    await rule(
        session,
        owner,
        clock,
        when={"event": "field_changed", "field": "amount"},
        **{
            "if": [
                {"fact": "amount", "op": "ge", "value": 1000},
                {"fact": "source", "op": "eq", "value": "telegram"},
            ]
        },
        then=[{"do": "tag", "tag": "big"}],
    )
    await pipeline.set_amount(session, manager, 1, 1, "999.99", clock.now())
    assert await tags(session) == set()
    await pipeline.set_amount(session, manager, 1, 2, "1,000", clock.now())
    assert await tags(session) == {"big"}


async def test_crossing_a_value_fires_once_on_the_way_up(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    made = await rule(
        session,
        owner,
        clock,
        when={"event": "crossed", "field": "amount", "value": "500"},
        then=[{"do": "message", "to": "owners", "text": {"en": "Big: {number}"}}],
    )
    for version, amount in enumerate(["100", "600", "700", "50", "800"], start=1):
        clock.advance(timedelta(minutes=1))
        await pipeline.set_amount(session, manager, 1, version, amount, clock.now())
    # 100 → 600 crosses, 600 → 700 does not, 50 → 800 crosses again.
    assert await by_rule(session, made) == [("rule_message", "owners")] * 2
    notices = await session.scalars(select(Outbox).where(Outbox.kind == "rule_message"))
    assert [(n.chat_id, n.payload["texts"]) for n in notices] == [(1, {"en": "Big: {number}"})] * 2


async def test_entering_a_stage_moves_tasks_and_messages_in_order(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    second, third = await stage_id(session, 2), await stage_id(session, 3)
    made = await rule(
        session,
        owner,
        clock,
        when={"event": "stage_entered", "stage": second},
        then=[
            {"do": "task", "to": "manager", "after_minutes": 120, "note": "Send the quote"},
            {"do": "message", "to": "customer", "text": {"en": "Hi {customer}", "ru": "Привет"}},
            {"do": "move", "stage": third},
        ],
    )
    card = await pipeline.move(session, manager, 1, 1, second, clock.now())
    deal = await session.get_one(Deal, 1, populate_existing=True)
    assert deal.stage_id == third
    assert card.version == deal.version
    task = await session.scalar(select(Task))
    assert task is not None
    assert (task.assignee_id, task.note, task.due_at) == (
        manager.user_id,
        "Send the quote",
        clock.now() + timedelta(hours=2),
    )
    assert [kind for kind, _ in await by_rule(session, made)] == [
        "rule_task",
        "rule_message",
        "stage",
    ]
    message = await session.scalar(select(Outbox).where(Outbox.kind == "rule_message"))
    assert message is not None and message.chat_id == 100


async def test_rules_cannot_loop(session: AsyncSession, clock: ManualClock) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    second, third = await stage_id(session, 2), await stage_id(session, 3)
    there = await rule(
        session,
        owner,
        clock,
        name="There",
        when={"event": "stage_entered", "stage": second},
        then=[{"do": "move", "stage": third}],
    )
    back = await rule(
        session,
        owner,
        clock,
        name="Back",
        when={"event": "stage_entered", "stage": third},
        then=[{"do": "move", "stage": second}],
    )
    await pipeline.move(session, manager, 1, 1, second, clock.now())
    runs = await session.scalar(select(func.count()).select_from(RuleRun))
    # The person's move, then at most three rules deep.
    assert runs == 3
    assert len(await by_rule(session, there)) + len(await by_rule(session, back)) == 3


async def test_a_field_change_triggers_and_a_rule_sets_a_field(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    vip = await fields.add(session, owner, "deal", "yes_no", {"en": "VIP"}, None, clock.now())
    note = await fields.add(session, owner, "deal", "text", {"en": "Route"}, None, clock.now())
    made = await rule(
        session,
        owner,
        clock,
        when={"event": "field_changed", "field": vip.key},
        **{"if": [{"fact": f"field:{vip.key}", "op": "eq", "value": True}]},
        then=[{"do": "set_field", "field": note.key, "value": "Senior team"}],
    )
    await fields.set_picked(session, manager, 1, vip.field_id, 0, clock.now())
    assert await by_rule(session, made) == []  # "no" does not hold
    await fields.set_picked(session, manager, 1, vip.field_id, 1, clock.now())
    found = await fields.of_deal(session, owner, 1)
    assert found.values[note.field_id] == "Senior team"
    assert await by_rule(session, made) == [(f"field:{note.field_id}", "Senior team")]


async def test_a_rule_naming_a_stage_since_deleted_switches_itself_off_and_tells_the_owners(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    made = await rule(
        session,
        owner,
        clock,
        when={"event": "field_changed", "field": "amount"},
        then=[{"do": "tag", "tag": "x"}, {"do": "move", "stage": await stage_id(session, 3)}],
    )
    stage = await session.get_one(Stage, await stage_id(session, 3))
    stage.deleted_at = clock.now()
    await session.commit()
    await pipeline.set_amount(session, manager, 1, 1, "10", clock.now())
    stored = await session.get_one(Rule, made, populate_existing=True)
    assert (stored.enabled, stored.last_error) == (False, "stage_gone")
    assert await tags(session) == set()  # nothing half done
    failed = await session.scalars(select(Outbox).where(Outbox.kind == "rule_failed"))
    assert [(f.chat_id, f.payload) for f in failed] == [
        (1, {"rule_id": made, "problem": "stage_gone"})
    ]


async def test_a_switched_off_rule_does_nothing(session: AsyncSession, clock: ManualClock) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    made = await rule(
        session,
        owner,
        clock,
        when={"event": "field_changed", "field": "amount"},
        then=[{"do": "tag", "tag": "x"}],
    )
    await manage.switch(session, owner, made, 1, clock.now())
    await pipeline.set_amount(session, manager, 1, 1, "10", clock.now())
    assert await tags(session) == set()


async def test_a_customer_writing_triggers(session: AsyncSession, clock: ManualClock) -> None:
    _, owner, customer = await setup_deal(session, clock)
    await rule(
        session,
        owner,
        clock,
        when={"event": "customer_wrote"},
        then=[{"do": "tag", "tag": "wrote"}],
    )
    await conversation.customers_write(session, [Request(customer, Content("more"))], clock.now())
    assert await tags(session) == {"wrote"}


@pytest.mark.parametrize(
    ("data", "where", "problem"),
    [
        (
            {"when": {"event": "nope"}, "then": [{"do": "tag", "tag": "a"}]},
            "when.event",
            "unknown",
        ),
        ({"when": {"event": "created"}, "then": []}, "then", "missing"),
        (
            {
                "when": {"event": "stage_entered", "stage": 999},
                "then": [{"do": "tag", "tag": "a"}],
            },
            "when.stage",
            "unknown",
        ),
        (
            {
                "when": {"event": "created"},
                "then": [{"do": "webhook", "url": "http://127.0.0.1/x"}],
            },
            "then.1.url",
            "private_url",
        ),
        (
            {"when": {"event": "created"}, "then": [{"do": "webhook", "url": "ftp://a.example"}]},
            "then.1.url",
            "url",
        ),
        (
            {
                "when": {"event": "created"},
                "then": [{"do": "message", "to": "owners", "text": {"en": "Hi {password}"}}],
            },
            "then.1.text.en",
            "placeholder",
        ),
        (
            {"when": {"event": "no_response", "minutes": 0}, "then": [{"do": "tag", "tag": "a"}]},
            "when.minutes",
            "out_of_range",
        ),
    ],
)
async def test_a_bad_rule_is_refused_naming_the_part(
    session: AsyncSession, clock: ManualClock, data: dict[str, Any], where: str, problem: str
) -> None:
    owner = actor(await add_user(session, 1, "owner", clock))
    with pytest.raises(RuleInvalid) as refused:
        await manage.create(session, owner, {"name": "Bad", **data}, clock.now())
    assert (refused.value.where, refused.value.problem) == (where, problem)
    assert await session.scalar(select(func.count()).select_from(Rule)) == 0


async def test_only_owners_keep_rules(session: AsyncSession, clock: ManualClock) -> None:
    manager, _, _ = await setup_deal(session, clock)
    data = {"name": "R", "when": {"event": "created"}, "then": [{"do": "tag", "tag": "a"}]}
    from services.errors import AccessDenied

    with pytest.raises(AccessDenied):
        await manage.create(session, manager, data, clock.now())
    with pytest.raises(AccessDenied):
        await manage.overview(session, manager)


async def test_amount_condition_compares_numbers(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    await rule(
        session,
        owner,
        clock,
        when={"event": "field_changed", "field": "amount"},
        **{"if": [{"fact": "amount", "op": "in", "value": [1500, "2000.00"]}]},
        then=[{"do": "tag", "tag": "round"}],
    )
    await pipeline.set_amount(session, manager, 1, 1, "2000", clock.now())
    assert await tags(session) == {"round"}
    assert Decimal("2000") == (await session.get_one(Deal, 1)).amount


async def test_owners_are_not_told_nobody_got_a_request_a_rule_then_gave_to_someone(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = actor(await add_user(session, 1, "owner", clock))
    away = await add_user(session, 10, "manager", clock)
    away.on_duty = False
    await session.commit()
    await rule(
        session,
        owner,
        clock,
        when={"event": "created"},
        then=[{"do": "assign", "user": away.id}],
    )
    customer = await add_user(session, 100, "customer", clock)
    await conversation.customers_write(
        session, [Request(actor(customer), Content("chairs"))], clock.now()
    )
    assert (await session.get_one(Deal, 1, populate_existing=True)).manager_id == away.id
    kinds = set(await session.scalars(select(Outbox.kind)))
    assert "no_manager" not in kinds
    assert "deal_card" in kinds


async def test_a_message_to_someone_who_left_switches_the_rule_off(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    leaving = await add_user(session, 20, "manager", clock)
    made = await rule(
        session,
        owner,
        clock,
        when={"event": "field_changed", "field": "amount"},
        then=[{"do": "message", "to": leaving.id, "text": {"en": "Look at #{number}"}}],
    )
    leaving.is_active = False
    await session.commit()
    await pipeline.set_amount(session, manager, 1, 1, "10", clock.now())
    stored = await session.get_one(Rule, made, populate_existing=True)
    assert (stored.enabled, stored.last_error) == (False, "person_gone")
    assert (
        await session.scalar(
            select(func.count()).select_from(Outbox).where(Outbox.kind == "rule_message")
        )
        == 0
    )
