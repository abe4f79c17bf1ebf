"""The one path every trigger takes: happenings (what a change, a sweep or an API call reports)
→ the enabled rules they trigger → conditions → a run recorded once → the actions, in the same
transaction as the change. What an action changes can trigger other rules, `MAX_DEPTH` deep."""

from __future__ import annotations

from collections import Counter
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
from services.rules.facts import Facts, facts_of_all, holds
from services.rules.happened import Happened
from services.rules.loaded import Loaded, enabled_rules
from services.rules.model import (
    ASSIGN,
    CREATED,
    CROSSED,
    FIELD_CHANGED,
    MOVE,
    RULE_ACTED,
    SET_FIELD,
    STAGE_ENTERED,
    STAGE_LEFT,
    TIMED,
    Trigger,
)

# How many rules deep a chain may go: a rule's action triggering a rule whose action triggers…
MAX_DEPTH = 3
# Actions that change what conditions look at, other than tags (kept in the facts as changed).
CHANGING_FACTS = frozenset({ASSIGN, MOVE, SET_FIELD})


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
    # How many times each rule acted, counted on its row once at the end.
    runs: Counter[int] = Counter()
    queue = [h for h in happened if h.trigger in by_kind]
    while queue:
        caused: list[Happened] = []
        wanted = [(h, r) for h in queue for r in by_kind.get(h.trigger, []) if matches(r, h)]
        # Read once for every deal a rule looks at, and again only after a rule changed one.
        known = await facts_of_all(session, {h.deal_id for h, _ in wanted})
        for happening, rule in wanted:
            deal_id = happening.deal_id
            if deal_id not in known:
                known |= await facts_of_all(session, {deal_id})
            facts = known[deal_id]
            if not all(holds(c, facts, now, hours) for c in rule.spec.conditions):
                continue
            done = await run(session, rule, happening, facts, now, hours)
            if done:
                runs[rule.rule_id] += 1
                if any(a.kind in CHANGING_FACTS for a in rule.spec.actions):
                    del known[deal_id]
            caused += done
        caused = [c for c in caused if c.depth <= MAX_DEPTH]
        if caused:
            await timers.schedule(session, timed, caused, now, hours)
        queue = [c for c in caused if c.trigger in by_kind]
    for rule_id, count in runs.items():
        await session.execute(
            update(Rule)
            .where(Rule.id == rule_id)
            .values(fired=Rule.fired + count, last_run_at=now)
            .execution_options(synchronize_session=False)
        )
    return bool(runs)


async def run(
    session: AsyncSession,
    rule: Loaded,
    happening: Happened,
    facts: Facts,
    now: datetime,
    hours: WorkingHours,
) -> list[Happened]:
    """Act once per deal and key; a rule whose action cannot be done is switched off and the
    owners told why, and does nothing. The caller counts the run on the rule's row."""
    problem = await actions.check_all(session, rule.spec.actions, facts)
    if not await _claim(session, rule.rule_id, happening, now, ok=problem is None):
        return []
    if problem is not None:
        await _switch_off(session, rule, problem, now)
        return []
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
