"""🧪 Try on the past: the deals a rule would have acted on, read back from what happened, and
nothing written."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services import events
from services.access import Actor
from services.clock import ManualClock
from services.db.deals import Message
from services.db.schema import metadata
from services.errors import AccessDenied
from services.rules import manage
from services.rules.model import parse_rule
from services.rules.past import try_on_past
from tests.support.db import START
from tests.support.seed import deal_for, setup_deal

THEN = [{"do": "tag", "tag": "seen"}]


def rule(when: dict[str, Any], conditions: list[dict[str, Any]] | None = None) -> Any:
    return parse_rule({"name": "Try", "when": when, "if": conditions or [], "then": THEN})


async def business(session: AsyncSession, clock: ManualClock) -> Actor:
    """Deal 1 from Telegram at START, answered after 10 minutes and moved to stage 2 a day
    later; deal 2 from a phone call an hour later, never answered; a message in on deal 1."""
    manager, owner, _customer = await setup_deal(session, clock)
    events.record(session, 1, manager.user_id, "first_response", START + timedelta(minutes=10))
    events.record(session, 1, manager.user_id, "stage", START + timedelta(days=1), 1, 2)
    await session.commit()
    clock.advance(timedelta(hours=1))
    await deal_for(session, None, clock, source="phone")
    clock.advance(timedelta(hours=1))
    session.add(Message(deal_id=1, direction="in", kind="text", text="+", created_at=clock.now()))
    await session.commit()
    clock.advance(START + timedelta(days=3) - clock.now())
    return owner


async def counts(session: AsyncSession) -> dict[str, int]:
    return {
        table.name: await session.scalar(select(func.count()).select_from(table)) or 0
        for table in metadata.sorted_tables
    }


async def test_what_each_trigger_would_have_matched(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = await business(session, clock)
    now = clock.now()

    async def found(spec: Any, days: int = 30) -> list[tuple[int, Any]]:
        return [(m.deal_id, m.at) for m in await try_on_past(session, owner, spec, now, days)]

    assert await found(rule({"event": "created"})) == [
        (2, START + timedelta(hours=1)),
        (1, START),
    ]
    assert await found(rule({"event": "created", "sources": ["phone"]})) == [
        (2, START + timedelta(hours=1))
    ]
    assert await found(rule({"event": "created"}, [{"fact": "source", "value": "telegram"}])) == [
        (1, START)
    ]
    assert await found(rule({"event": "no_response", "minutes": 30})) == [
        (2, START + timedelta(hours=1, minutes=30))
    ]
    assert await found(rule({"event": "no_response", "minutes": 5})) == [
        (2, START + timedelta(hours=1, minutes=5)),
        (1, START + timedelta(minutes=5)),
    ]
    assert await found(rule({"event": "stage_entered", "stage": 2})) == [
        (1, START + timedelta(days=1))
    ]
    assert await found(rule({"event": "stage_left", "stage": 1})) == [
        (1, START + timedelta(days=1))
    ]
    assert await found(rule({"event": "stage_entered", "stage": 3})) == []
    assert await found(rule({"event": "customer_wrote"})) == [(1, START + timedelta(hours=2))]
    assert await found(rule({"event": "idle", "days": 2})) == [
        (2, START + timedelta(days=2, hours=1)),
        (1, START + timedelta(days=2)),
    ]
    # A window of two days leaves out what happened on the first.
    assert await found(rule({"event": "created"}), days=2) == []


async def test_a_saved_rule_is_tried_and_nothing_changes(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = await business(session, clock)
    saved = await manage.create(
        session,
        owner,
        {"name": "Phone", "when": {"event": "created", "sources": ["phone"]}, "then": THEN},
        clock.now(),
    )
    before = await counts(session)
    rows_before = (await session.execute(text("SELECT id, fired, version FROM rules"))).all()
    [match] = await try_on_past(session, owner, saved.rule_id, clock.now())
    assert (match.deal_id, match.at) == (2, START + timedelta(hours=1))
    assert [a.kind for a in match.actions] == ["tag"]
    assert await counts(session) == before
    assert (
        await session.execute(text("SELECT id, fired, version FROM rules"))
    ).all() == rows_before
    assert before["deal_tags"] == 0 and before["rule_runs"] == 0


async def test_only_owners_try_rules(session: AsyncSession, clock: ManualClock) -> None:
    manager, _owner, _customer = await setup_deal(session, clock)
    with pytest.raises(AccessDenied):
        await try_on_past(session, manager, rule({"event": "created"}), clock.now())
