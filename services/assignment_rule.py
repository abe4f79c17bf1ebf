"""The owner's choice of who gets a new request: the strategy and its parameters."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services import events
from services.access import Actor, require_owner
from services.assignment import STRATEGIES, Rule
from services.db.assignment import ROW_ID, AssignmentRule
from services.errors import ErrorCode, InvalidInput

TAG_LENGTH = 32
_TAG = re.compile(r"^[^\s#,]{1,32}$")


async def show(session: AsyncSession, actor: Actor) -> Rule:
    require_owner(actor)
    row = await session.get(AssignmentRule, ROW_ID)
    return Rule() if row is None else Rule(row.strategy, row.level_from, row.tag)


async def set_strategy(session: AsyncSession, actor: Actor, strategy: str, now: datetime) -> Rule:
    if strategy not in STRATEGIES:
        raise InvalidInput(ErrorCode.STRATEGY)
    current = await show(session, actor)
    return await _save(session, actor, replace(current, strategy=strategy), now)


async def set_level_from(
    session: AsyncSession, actor: Actor, amount: Decimal | None, now: datetime
) -> Rule:
    current = await show(session, actor)
    return await _save(session, actor, replace(current, level_from=amount), now)


async def set_tag(session: AsyncSession, actor: Actor, tag: str | None, now: datetime) -> Rule:
    current = await show(session, actor)
    return await _save(session, actor, replace(current, tag=tag and normalize_tag(tag)), now)


def normalize_tag(text: str) -> str:
    """A tag is one short word, kept in lower case; a leading # is dropped."""
    tag = text.strip().lstrip("#").lower()
    if not _TAG.match(tag):
        raise InvalidInput(ErrorCode.TAG)
    return tag


async def _save(session: AsyncSession, actor: Actor, rule: Rule, now: datetime) -> Rule:
    row = await session.get(AssignmentRule, ROW_ID)
    if row is None:
        row = AssignmentRule(id=ROW_ID)
        session.add(row)
    before = row.strategy
    row.strategy, row.level_from, row.tag = rule.strategy, rule.level_from, rule.tag
    row.updated_at, row.updated_by = now, actor.user_id
    if before != rule.strategy:
        events.record(session, None, actor.user_id, "assignment_rule", now, before, rule.strategy)
    await session.commit()
    return rule
