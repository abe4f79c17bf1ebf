"""Rules made straight through the service, for the rules' tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.access import Actor
from services.clock import ManualClock
from services.rules import manage


async def rule(session: AsyncSession, owner: Actor, clock: ManualClock, **parts: Any) -> int:
    """A rule from its stored form's parts (`when`, `then`, `**{"if": …}`), named "R" unless
    a name is given; answers its id."""
    data = {"name": parts.pop("name", "R"), **parts}
    return (await manage.create(session, owner, data, clock.now())).rule_id
