"""Owners keep the rules: list them, make one (from a template or a file), switch it on and
off, delete it. Everything that names a stage, a person or a field is checked when saved."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import events
from services.access import Actor, require_owner
from services.company import company_hours
from services.db.deals import Stage
from services.db.rules import Rule, RuleTimer
from services.db.users import User
from services.errors import Conflict, InvalidInput, NotFound
from services.field_kinds import DATE as DATE_KIND
from services.field_kinds import MONEY, NUMBER, FieldView, from_json
from services.field_views import definitions
from services.rules import placeholders, timers
from services.rules.invalid import RuleInvalid
from services.rules.loaded import Loaded
from services.rules.model import (
    AMOUNT,
    ASSIGN,
    CROSSED,
    FIELD_PREFIX,
    MESSAGE,
    MOVE,
    SET_FIELD,
    STAGE,
    STAGE_ENTERED,
    STAGE_LEFT,
    TASK,
    TIMED,
    WEBHOOK,
    RuleSpec,
    parse_rule,
)
from services.users import full_name

MAX_RULES = 200


@dataclass(frozen=True)
class RuleView:
    rule_id: int
    name: str
    enabled: bool
    fired: int
    last_run_at: datetime | None
    last_error: str | None
    spec: RuleSpec
    template: str | None
    version: int


def view(rule: Rule) -> RuleView:
    return RuleView(
        rule.id,
        rule.name,
        rule.enabled,
        rule.fired,
        rule.last_run_at,
        rule.last_error,
        spec_of(rule),
        rule.template,
        rule.version,
    )


def spec_of(rule: Rule) -> RuleSpec:
    return parse_rule(
        {
            "name": rule.name,
            "enabled": rule.enabled,
            "when": rule.trigger,
            "if": rule.conditions,
            "then": rule.actions,
        },
        allow_private_urls=True,
    )


async def overview(session: AsyncSession, actor: Actor) -> list[RuleView]:
    require_owner(actor)
    rows = await session.scalars(
        select(Rule).where(Rule.deleted_at.is_(None)).order_by(Rule.position, Rule.id)
    )
    return [view(rule) for rule in rows]


async def detail(session: AsyncSession, actor: Actor, rule_id: int) -> RuleView:
    require_owner(actor)
    return view(await _rule(session, rule_id))


async def _rule(session: AsyncSession, rule_id: int) -> Rule:
    rule = await session.get(Rule, rule_id)
    if rule is None or rule.deleted_at is not None:
        raise NotFound()
    return rule


async def create(
    session: AsyncSession,
    actor: Actor,
    data: Mapping[str, Any],
    now: datetime,
    allow_private_urls: bool = False,
    template: str | None = None,
) -> RuleView:
    """A new rule from its stored form; commits."""
    require_owner(actor)
    rule = await add(session, actor, data, now, allow_private_urls, template)
    await session.commit()
    return view(rule)


async def add(
    session: AsyncSession,
    actor: Actor,
    data: Mapping[str, Any],
    now: datetime,
    allow_private_urls: bool = False,
    template: str | None = None,
) -> Rule:
    """Checked and written, its timers set; the caller commits (a file adds many at once)."""
    require_owner(actor)
    spec = await checked(session, data, allow_private_urls)
    count = await session.scalar(select(func.count()).where(Rule.deleted_at.is_(None)))
    if (count or 0) >= MAX_RULES:
        raise RuleInvalid("rules", "too_many")
    position = await session.scalar(select(func.max(Rule.position))) or 0
    stored = spec.stored()
    rule = Rule(
        name=spec.name,
        enabled=spec.enabled,
        position=position + 1,
        trigger_kind=spec.trigger.kind,
        trigger=stored["when"],
        conditions=stored["if"],
        actions=_with_secrets(stored["then"]),
        template=template,
        fired=0,
        created_at=now,
        updated_at=now,
        updated_by=actor.user_id,
        version=1,
    )
    session.add(rule)
    await session.flush()
    events.record(session, None, actor.user_id, "rule_added", now, None, rule.id)
    if rule.enabled:
        await _start(session, rule, now)
    return rule


def _with_secrets(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each webhook gets its own signing secret, kept with the rule and shown to owners."""
    return [
        {**action, "secret": action.get("secret") or secrets.token_hex(16)}
        if action.get("do") == WEBHOOK
        else action
        for action in actions
    ]


async def checked(
    session: AsyncSession, data: Mapping[str, Any], allow_private_urls: bool = False
) -> RuleSpec:
    """Parsed, and every stage, person and field it names exists."""
    spec = parse_rule(data, allow_private_urls)
    stages = {s.id for s in await session.scalars(select(Stage).where(Stage.deleted_at.is_(None)))}
    definitions_by_key = {f.key: f for f in await definitions(session)}
    keys = set(definitions_by_key)
    kinds = {key: f.kind for key, f in definitions_by_key.items()}
    people = {
        u.id
        for u in await session.scalars(
            select(User).where(User.role.in_(("owner", "manager")), User.blocked.is_(False))
        )
    }
    trigger = spec.trigger
    if trigger.kind in (STAGE_ENTERED, STAGE_LEFT) and trigger.get("stage") not in stages:
        raise RuleInvalid("when.stage", "unknown")
    field = trigger.get("field")
    if field is not None and field != AMOUNT and field not in keys:
        raise RuleInvalid("when.field", "unknown")
    if trigger.kind == CROSSED and field != AMOUNT and kinds[field] not in (NUMBER, MONEY):
        raise RuleInvalid("when.field", "not_number")
    of = trigger.get("of")
    if isinstance(of, str) and of.startswith(FIELD_PREFIX):
        if of[len(FIELD_PREFIX) :] not in keys:
            raise RuleInvalid("when.of", "unknown")
        if kinds[of[len(FIELD_PREFIX) :]] != DATE_KIND:
            raise RuleInvalid("when.of", "not_date")
    for index, condition in enumerate(spec.conditions, 1):
        fact = condition.fact
        if fact.startswith(FIELD_PREFIX) and fact[len(FIELD_PREFIX) :] not in keys:
            raise RuleInvalid(f"if.{index}.fact", "unknown")
        if fact == STAGE and condition.value is not None:
            values = condition.value if isinstance(condition.value, list) else [condition.value]
            if any(value not in stages for value in values):
                raise RuleInvalid(f"if.{index}.value", "unknown")
    for index, action in enumerate(spec.actions, 1):
        where = f"then.{index}"
        if action.kind == MOVE and action.get("stage") not in stages:
            raise RuleInvalid(f"{where}.stage", "unknown")
        person = action.get("user") if action.kind == ASSIGN else action.get("to")
        if (
            action.kind in (ASSIGN, TASK, MESSAGE)
            and isinstance(person, int)
            and person not in people
        ):
            raise RuleInvalid(f"{where}.{'user' if action.kind == ASSIGN else 'to'}", "unknown")
        if action.kind == SET_FIELD and action.get("field") not in keys:
            raise RuleInvalid(f"{where}.field", "unknown")
        if action.kind == SET_FIELD and action.get("value") is not None:
            try:
                from_json(definitions_by_key[action.get("field")], action.get("value"))
            except InvalidInput:
                raise RuleInvalid(f"{where}.value", "field_value") from None
        if action.kind == MESSAGE:
            for language, text in action.get("text").items():
                wrong = placeholders.unknown(text, keys)
                if wrong:
                    raise RuleInvalid(f"{where}.text.{language}", "placeholder")
    return spec


async def switch(
    session: AsyncSession, actor: Actor, rule_id: int, seen: int, now: datetime
) -> RuleView:
    """On or off; a rule switched back on forgets why it was switched off."""
    require_owner(actor)
    rule = await _rule(session, rule_id)
    if rule.version != seen:
        raise Conflict()
    rule.enabled = not rule.enabled
    rule.version += 1
    rule.updated_at, rule.updated_by = now, actor.user_id
    if rule.enabled:
        rule.last_error = None
        await _start(session, rule, now)
    else:
        await session.execute(delete(RuleTimer).where(RuleTimer.rule_id == rule.id))
    events.record(session, None, actor.user_id, "rule_switched", now, rule.id, rule.enabled)
    await session.commit()
    return view(rule)


async def remove(session: AsyncSession, actor: Actor, rule_id: int, now: datetime) -> str:
    """Gone from the list; kept as a row so history still names it. Answers its name."""
    require_owner(actor)
    rule = await _rule(session, rule_id)
    await retire(session, actor, rule, now)
    await session.commit()
    return rule.name


async def retire(session: AsyncSession, actor: Actor, rule: Rule, now: datetime) -> None:
    """Deleted, its timers gone; the caller commits (a file replaces every rule at once)."""
    require_owner(actor)
    rule.deleted_at, rule.enabled = now, False
    rule.version += 1
    await session.execute(delete(RuleTimer).where(RuleTimer.rule_id == rule.id))
    events.record(session, None, actor.user_id, "rule_deleted", now, None, rule.id)


async def _start(session: AsyncSession, rule: Rule, now: datetime) -> None:
    """A time rule switched on waits for the moments of the deals it already applies to."""
    if rule.trigger_kind in TIMED:
        loaded = Loaded(rule.id, rule.name, spec_of(rule))
        await timers.backfill(session, loaded, now, await company_hours(session))


async def names(session: AsyncSession, rule_ids: set[int]) -> dict[int, str]:
    """Rules' names for history, deleted ones too."""
    if not rule_ids:
        return {}
    rows = await session.execute(select(Rule.id, Rule.name).where(Rule.id.in_(rule_ids)))
    return {rule_id: name for rule_id, name in rows.all()}


@dataclass(frozen=True)
class Lookup:
    """What a rule names by id or key, to say it in words."""

    stages: dict[int, dict[str, str]]
    people: dict[int, str]
    fields: dict[str, FieldView]


async def lookup(session: AsyncSession) -> Lookup:
    stages = await session.scalars(select(Stage))
    people = await session.scalars(select(User).where(User.role.in_(("owner", "manager"))))
    return Lookup(
        {stage.id: stage.names for stage in stages},
        {person.id: full_name(person) for person in people},
        {field.key: field for field in await definitions(session)},
    )
