from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.db.models import Event


def record(
    session: AsyncSession,
    deal_id: int | None,
    actor_id: int | None,
    kind: str,
    now: datetime,
    from_value: object = None,
    to_value: object = None,
) -> None:
    session.add(
        Event(
            deal_id=deal_id,
            actor_id=actor_id,
            kind=kind,
            from_value=None if from_value is None else str(from_value),
            to_value=None if to_value is None else str(to_value),
            created_at=now,
        )
    )
