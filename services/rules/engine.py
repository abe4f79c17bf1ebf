"""The one path every trigger takes: happenings (what a change, a sweep or an API call reports)
→ the enabled rules they trigger → conditions → a run recorded once → the actions, in the same
transaction as the change. What an action changes can trigger other rules, `MAX_DEPTH` deep."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from sqlalchemy import CursorResult, Table, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services import outbox
from services.company import company_hours
from services.db.engine import is_postgres
from services.db.rules import Rule, RuleRun
from services.rules import actions, timers
from services.rules.facts import Facts, facts_of_all, holds
from services.rules.happened import Happened
from services.rules.loaded import Loaded, enabled_rules
from services.rules.model import (
    ASSIGN,
    CREATED,
    CROSSED,
    DISCOUNT,
    FIELD_CHANGED,
    MOVE,
    RULE_ACTED,
    SET_FIELD,
    STAGE_ENTERED,
    STAGE_LEFT,
    TIMED,
    Trigger,
)
from services.rules.work import Work

# How many rules deep a chain may go: a rule's action triggering a rule whose action triggers…
MAX_DEPTH = 3
# Actions that change what conditions look at, other than tags (kept in the facts as changed).
CHANGING_FACTS = frozenset({ASSIGN, MOVE, SET_FIELD, DISCOUNT})


async def fire(session: AsyncSession, happened: Sequence[Happened], now: datetime) -> bool:
    """Run the rules these happenings trigger, and those their actions trigger in turn;
    answers whether any rule acted.

    The rules one happening triggers all see the deal as it was when it happened (read once
    for every deal of the step); what their actions change is seen by the rules it triggers
    in turn, in the next step. Each step's runs are claimed in one statement, and what its
    actions write (events, notices, tags) is written together at its end."""
    if not happened:
        return False
    rules = await enabled_rules(session)
    if not rules:
        return False
    work = Work(session, now, await company_hours(session))
    by_kind: dict[str, list[Loaded]] = {}
    for rule in rules:
        # A crossing is a change of the field's value: the rule listens to those.
        kind = FIELD_CHANGED if rule.spec.trigger.kind == CROSSED else rule.spec.trigger.kind
        by_kind.setdefault(kind, []).append(rule)
    timed = [r for r in rules if r.spec.trigger.kind in TIMED]
    await timers.schedule(session, timed, happened, now, work.hours)
    # How many times each rule acted, counted on its row once at the end.
    runs: Counter[int] = Counter()
    problems: dict[int, str | None] = {}
    queue = [h for h in happened if h.trigger in by_kind]
    while queue:
        wanted = [(h, r) for h in queue for r in by_kind.get(h.trigger, []) if matches(r, h)]
        known = await facts_of_all(session, {h.deal_id for h, _ in wanted})
        holding = [
            (h, r)
            for h, r in wanted
            if all(holds(c, known[h.deal_id], now, work.hours) for c in r.spec.conditions)
        ]
        for _, rule in holding:
            if rule.rule_id not in problems:
                problems[rule.rule_id] = await actions.check_all(work, rule.spec.actions)
        claimed = await _claim_all(session, holding, problems, now)
        caused: list[Happened] = []
        for happening, rule in holding:
            if (rule.rule_id, happening.deal_id, happening.key[:80]) not in claimed:
                continue
            problem = problems[rule.rule_id]
            if problem is not None:
                await _switch_off(session, work, rule, problem)
                continue
            runs[rule.rule_id] += 1
            caused += await run(session, work, rule, happening, known[happening.deal_id])
        await work.flush()
        caused = [c for c in caused if c.depth <= MAX_DEPTH]
        if caused:
            await timers.schedule(session, timed, caused, now, work.hours)
        queue = [c for c in caused if c.trigger in by_kind]
    if runs:
        # One statement for every rule that acted (the driver's executemany).
        table = cast(Table, Rule.__table__)
        await session.execute(
            update(table)
            .where(table.c.id == bindparam("rule_id"))
            .values(fired=table.c.fired + bindparam("count"), last_run_at=now),
            [{"rule_id": rule_id, "count": count} for rule_id, count in runs.items()],
        )
    return bool(runs)


async def run(
    session: AsyncSession, work: Work, rule: Loaded, happening: Happened, facts: Facts
) -> list[Happened]:
    """Do a claimed run's actions in order; answers what they changed, and that it acted."""
    context = actions.Acting(
        rule.rule_id,
        rule.name,
        facts,
        happening.depth + 1,
        work,
        bool(happening.detail.get("announced", True)),
    )
    # A new request not announced yet stays so for the rules its changes trigger.
    told = {} if context.announced else {"announced": False}
    caused = [
        Happened(h.trigger, h.deal_id, h.key, {**h.detail, **told}, context.depth, rule.rule_id)
        for action in rule.spec.actions
        for h in await actions.perform(session, action, context)
    ]
    acted = Happened(
        RULE_ACTED,
        happening.deal_id,
        f"rule:{rule.rule_id}:{work.now.isoformat()}",
        {"rule": rule.rule_id, **told},
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


async def _claim_all(
    session: AsyncSession,
    holding: Sequence[tuple[Happened, Loaded]],
    problems: Mapping[int, str | None],
    now: datetime,
) -> set[tuple[int, int, str]]:
    """The runs' rows, each written only by the first to see its event (a unique key): answers
    the runs this evaluation claimed."""
    rows = {
        (rule.rule_id, h.deal_id, h.key[:80]): problems[rule.rule_id] is None
        for h, rule in holding
    }
    if not rows:
        return set()
    dialect = postgresql if is_postgres(session) else sqlite
    # One statement: SQLAlchemy sends the rows as one multi-row INSERT and hands back the rows
    # inserted (a row already there is left out).
    statement = (
        dialect.insert(RuleRun)
        .on_conflict_do_nothing(index_elements=["rule_id", "deal_id", "event_key"])
        .returning(RuleRun.rule_id, RuleRun.deal_id, RuleRun.event_key)
    )
    params = [
        {"rule_id": r, "deal_id": d, "event_key": k, "ok": ok, "created_at": now}
        for (r, d, k), ok in rows.items()
    ]
    return {(r, d, k) for r, d, k in (await session.execute(statement, params)).all()}


async def _switch_off(session: AsyncSession, work: Work, rule: Loaded, problem: str) -> None:
    """Once per evaluation: the rule is off, and the owners are told why."""
    result = await session.execute(
        update(Rule)
        .where(Rule.id == rule.rule_id, Rule.enabled.is_(True))
        .values(enabled=False, last_error=problem, last_run_at=work.now, version=Rule.version + 1)
        .execution_options(synchronize_session=False)
    )
    if not cast(CursorResult[Any], result).rowcount:
        return
    work.queued += [
        outbox.queued(
            chat_id=owner.tg_id,
            kind="rule_failed",
            payload={"rule_id": rule.rule_id, "problem": problem},
            dedupe_key=f"rule_failed:{rule.rule_id}:{work.now.isoformat()}",
            now=work.now,
        )
        for owner in await work.owners()
    ]
