"""The one path every trigger takes: happenings (what a change, a sweep or an API call reports)
→ the enabled rules they trigger → conditions → a run recorded once → the actions, in the same
transaction as the change. What an action changes can trigger other rules, `MAX_DEPTH` deep."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services import outbox
from services.assignment import WorkingHours
from services.company import company_hours
from services.db.engine import is_postgres
from services.db.rules import Rule, RuleRun
from services.db.users import User
from services.rules import actions, timers
from services.rules.facts import Facts, facts_of, holds
from services.rules.happened import Happened
from services.rules.loaded import Loaded, enabled_rules
from services.rules.model import (
    CREATED,
    CROSSED,
    FIELD_CHANGED,
    RULE_ACTED,
    STAGE_ENTERED,
    STAGE_LEFT,
    TIMED,
    Trigger,
)

# How many rules deep a chain may go: a rule's action triggering a rule whose action triggers…
MAX_DEPTH = 3


async def fire(session: AsyncSession, happened: Sequence[Happened], now: datetime) -> bool:
    """Run the rules these happenings trigger, and those their actions trigger in turn;
    answers whether any rule acted."""
    if not happened:
        return False
    rules = await enabled_rules(session)
    if not rules:
        return False
    hours = await company_hours(session)
    by_kind: dict[str, list[Loaded]] = {}
    for rule in rules:
        # A crossing is a change of the field's value: the rule listens to those.
        kind = FIELD_CHANGED if rule.spec.trigger.kind == CROSSED else rule.spec.trigger.kind
        by_kind.setdefault(kind, []).append(rule)
    timed = [r for r in rules if r.spec.trigger.kind in TIMED]
    await timers.schedule(session, timed, happened, now, hours)
    acted = False
    queue = [h for h in happened if h.trigger in by_kind]
    while queue:
        caused: list[Happened] = []
        for happening in queue:
            for rule in by_kind.get(happening.trigger, []):
                caused += await _consider(session, rule, happening, now, hours)
        acted = acted or bool(caused)
        caused = [c for c in caused if c.depth <= MAX_DEPTH]
        if caused:
            await timers.schedule(session, timed, caused, now, hours)
        queue = [c for c in caused if c.trigger in by_kind]
    return acted


async def _consider(
    session: AsyncSession, rule: Loaded, happening: Happened, now: datetime, hours: WorkingHours
) -> list[Happened]:
    if not matches(rule, happening):
        return []
    facts = await facts_of(session, happening.deal_id)
    if not all(holds(c, facts, now, hours) for c in rule.spec.conditions):
        return []
    return await run(session, rule, happening, facts, now, hours)


async def run(
    session: AsyncSession,
    rule: Loaded,
    happening: Happened,
    facts: Facts,
    now: datetime,
    hours: WorkingHours,
) -> list[Happened]:
    """Act once per deal and key; a rule whose action cannot be done is switched off and the
    owners told why, and does nothing."""
    problem = await actions.check_all(session, rule.spec.actions, facts)
    if not await _claim(session, rule.rule_id, happening, now, ok=problem is None):
        return []
    if problem is not None:
        await _switch_off(session, rule, problem, now)
        return []
    await session.execute(
        update(Rule)
        .where(Rule.id == rule.rule_id)
        .values(fired=Rule.fired + 1, last_run_at=now)
        .execution_options(synchronize_session=False)
    )
    context = actions.Acting(
        rule.rule_id,
        rule.name,
        facts,
        now,
        hours,
        happening.depth + 1,
        bool(happening.detail.get("announced", True)),
    )
    caused = [
        Happened(h.trigger, h.deal_id, h.key, h.detail, context.depth, rule.rule_id)
        for action in rule.spec.actions
        for h in await actions.perform(session, action, context)
    ]
    acted = Happened(
        RULE_ACTED,
        happening.deal_id,
        f"rule:{rule.rule_id}:{now.isoformat()}",
        {"rule": rule.rule_id},
        context.depth,
        rule.rule_id,
    )
    return [*caused, acted]


def matches(rule: Loaded, happening: Happened) -> bool:
    trigger: Trigger = rule.spec.trigger
    if happening.by_rule == rule.rule_id:
        return False  # a rule never triggers itself
    kind = trigger.kind
    if kind in TIMED:
        return happening.detail.get("rule") == rule.rule_id
    if kind == CREATED:
        sources = trigger.get("sources") or []
        return not sources or happening.detail.get("source") in sources
    if kind in (STAGE_ENTERED, STAGE_LEFT):
        return bool(trigger.get("stage") == happening.detail.get("stage"))
    if kind == FIELD_CHANGED:
        return bool(trigger.get("field") == happening.detail.get("field"))
    if kind == CROSSED:
        return trigger.get("field") == happening.detail.get("field") and _crossed(
            happening.detail.get("old"), happening.detail.get("new"), Decimal(trigger.get("value"))
        )
    if kind == RULE_ACTED:
        return trigger.get("rule") in (None, happening.detail.get("rule"))
    return True


def _crossed(old: object, new: object, value: Decimal) -> bool:
    """From below the value to it or above."""
    before, after = _number(old), _number(new)
    return after is not None and after >= value and (before is None or before < value)


def _number(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


async def _claim(
    session: AsyncSession, rule_id: int, happening: Happened, now: datetime, ok: bool
) -> bool:
    """The run's row, written only by the first to see this event (a unique key)."""
    dialect = postgresql if is_postgres(session) else sqlite
    statement = (
        dialect.insert(RuleRun)
        .values(
            rule_id=rule_id,
            deal_id=happening.deal_id,
            event_key=happening.key[:80],
            ok=ok,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["rule_id", "deal_id", "event_key"])
        .returning(RuleRun.id)
    )
    return await session.scalar(statement) is not None


async def _switch_off(session: AsyncSession, rule: Loaded, problem: str, now: datetime) -> None:
    await session.execute(
        update(Rule)
        .where(Rule.id == rule.rule_id)
        .values(enabled=False, last_error=problem, last_run_at=now, version=Rule.version + 1)
        .execution_options(synchronize_session=False)
    )
    owners = await session.scalars(
        select(User).where(User.role == "owner", User.blocked.is_(False))
    )
    await outbox.enqueue_all(
        session,
        [
            outbox.queued(
                chat_id=owner.tg_id,
                kind="rule_failed",
                payload={"rule_id": rule.rule_id, "problem": problem},
                dedupe_key=f"rule_failed:{rule.rule_id}:{now.isoformat()}",
                now=now,
            )
            for owner in owners
        ],
    )
