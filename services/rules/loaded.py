"""The rules switched on, read and parsed for one evaluation."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.rules import Rule
from services.rules.model import RuleSpec, parse_rule


@dataclass(frozen=True)
class Loaded:
    rule_id: int
    name: str
    spec: RuleSpec


async def enabled_rules(session: AsyncSession) -> list[Loaded]:
    rows = await session.execute(
        select(Rule.id, Rule.name, Rule.trigger, Rule.conditions, Rule.actions)
        .where(Rule.enabled.is_(True), Rule.deleted_at.is_(None))
        .order_by(Rule.position, Rule.id)
    )
    return [
        Loaded(
            rule_id,
            name,
            parse_rule(
                {"name": name, "when": trigger, "if": conditions, "then": rule_actions},
                allow_private_urls=True,
            ),
        )
        for rule_id, name, trigger, conditions, rule_actions in rows.all()
    ]
