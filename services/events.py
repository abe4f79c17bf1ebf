from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.deals import Event

EventRow = dict[str, Any]
_TABLE = cast(Table, Event.__table__)


def noted(
    deal_id: int | None,
    actor_id: int | None,
    kind: str,
    now: datetime,
    from_value: object = None,
    to_value: object = None,
    rule_id: int | None = None,
) -> EventRow:
    """An event, for `record_all` to write with others; `rule_id` when a rule did it."""
    return {
        "deal_id": deal_id,
        "actor_id": actor_id,
        "kind": kind,
        "from_value": None if from_value is None else str(from_value),
        "to_value": None if to_value is None else str(to_value),
        "created_at": now,
        "rule_id": rule_id,
    }


def on_customer(
    customer_id: int,
    actor_id: int | None,
    kind: str,
    now: datetime,
    from_value: object = None,
    to_value: object = None,
) -> EventRow:
    """An event of a customer's own history, on no deal."""
    return {**noted(None, actor_id, kind, now, from_value, to_value), "customer_id": customer_id}


def record(
    session: AsyncSession,
    deal_id: int | None,
    actor_id: int | None,
    kind: str,
    now: datetime,
    from_value: object = None,
    to_value: object = None,
    rule_id: int | None = None,
) -> None:
    session.add(Event(**noted(deal_id, actor_id, kind, now, from_value, to_value, rule_id)))


async def record_all(session: AsyncSession, rows: Sequence[EventRow]) -> None:
    """Many events in one statement (a Core insert: the ORM would run one per change of
    which values are set)."""
    if rows:
        await session.execute(insert(_TABLE), list(rows))
