"""The rules switched on, read and parsed for one evaluation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.rules import Rule
from services.rules.model import RuleSpec, parse_rule

_PARSED_KEPT = 1000


@dataclass(frozen=True)
class Loaded:
    rule_id: int
    name: str
    spec: RuleSpec


@dataclass(frozen=True)
class _Parsed:
    stored: tuple[Any, ...]
    loaded: Loaded


# Rules as last parsed, by id: parsed again only when what is stored differs (every evaluation
# reads them; most find them as they were).
_parsed: dict[int, _Parsed] = {}


async def enabled_rules(session: AsyncSession) -> list[Loaded]:
    rows = await session.execute(
        select(Rule.id, Rule.name, Rule.trigger, Rule.conditions, Rule.actions)
        .where(Rule.enabled.is_(True), Rule.deleted_at.is_(None))
        .order_by(Rule.position, Rule.id)
    )
    return [_loaded(tuple(row)) for row in rows.all()]


def _loaded(stored: tuple[Any, ...]) -> Loaded:
    rule_id, name, trigger, conditions, actions = stored
    known = _parsed.get(rule_id)
    if known is not None and known.stored == stored:
        return known.loaded
    spec = parse_rule(
        {"name": name, "when": trigger, "if": conditions, "then": actions},
        allow_private_urls=True,
    )
    if len(_parsed) >= _PARSED_KEPT:
        _parsed.clear()
    loaded = Loaded(rule_id, name, spec)
    _parsed[rule_id] = _Parsed(stored, loaded)
    return loaded
