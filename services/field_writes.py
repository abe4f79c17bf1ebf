"""Writing fields' values on a deal and its customer: each change an event in the deal's
history, and a happening the rules see."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services import events
from services.db.deals import Deal
from services.db.engine import is_postgres
from services.db.fields import FieldValue
from services.field_kinds import DEAL, FIELD_EVENT, FieldView
from services.rules.happened import Happened
from services.rules.model import FIELD_CHANGED

Prepared = list[tuple[FieldView, str | None]]


def object_id(field: FieldView, deal: Deal) -> int:
    return deal.id if field.entity == DEAL else deal.customer_id


async def stored_values(
    session: AsyncSession, deal: Deal, fields: list[FieldView]
) -> dict[int, str]:
    if not fields:
        return {}
    rows = await session.execute(
        select(FieldValue.field_id, FieldValue.object_id, FieldValue.value).where(
            FieldValue.field_id.in_([f.field_id for f in fields])
        )
    )
    wanted = {f.field_id: object_id(f, deal) for f in fields}
    return {fid: value for fid, oid, value in rows if wanted[fid] == oid}


async def write(
    session: AsyncSession,
    actor_id: int | None,
    deal: Deal,
    prepared: Prepared,
    now: datetime,
    rule_id: int | None = None,
) -> list[Happened]:
    """Each value that differs from the stored one is written, with an event in the deal's
    history (from → to); answers what changed."""
    current = await stored_values(session, deal, [field for field, _ in prepared])
    changed: list[Happened] = []
    for field, stored in prepared:
        old = current.get(field.field_id)
        if old == stored:
            continue
        target = object_id(field, deal)
        if stored is None:
            await session.execute(
                delete(FieldValue).where(
                    FieldValue.field_id == field.field_id, FieldValue.object_id == target
                )
            )
        else:
            # One statement whether or not a value is there: two deals of one customer filling
            # the customer's field at once both succeed, the later one's value kept.
            dialect = postgresql if is_postgres(session) else sqlite
            statement = dialect.insert(FieldValue).values(
                entity=field.entity,
                object_id=target,
                field_id=field.field_id,
                value=stored,
                updated_at=now,
            )
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=["field_id", "object_id"],
                    set_={"value": stored, "updated_at": now},
                )
            )
        kind = f"{FIELD_EVENT}{field.field_id}"
        events.record(session, deal.id, actor_id, kind, now, old, stored, rule_id)
        detail: dict[str, object] = {"field": field.key, "old": old, "new": stored}
        if field.entity != DEAL:
            # A customer's value: the date rules on it count from it on each of their deals.
            detail["customer"] = deal.customer_id
        changed.append(Happened(FIELD_CHANGED, deal.id, f"{kind}:{now.isoformat()}", detail))
    return changed
