"""Writing fields' values, from a deal's card (its own fields and its customer's) or from a
customer's card (their fields alone): each change an event in the history (a customer field's
carries the customer too), and a happening the rules see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services import events
from services.db.deals import Deal, Event
from services.db.engine import is_postgres
from services.db.fields import FieldValue
from services.field_kinds import DEAL, FIELD_EVENT, FieldView
from services.rules.happened import Happened
from services.rules.model import FIELD_CHANGED

Prepared = list[tuple[FieldView, str | None]]


@dataclass(frozen=True)
class Holder:
    """Whose values are written: `deal_id` is None on a customer's card, which holds only the
    customer's fields. `reported` is the deal the rules hear each change on (none for a customer
    with no request)."""

    deal_id: int | None
    customer_id: int
    reported: int | None


def on_deal(deal: Deal) -> Holder:
    return Holder(deal.id, deal.customer_id, deal.id)


def object_id(field: FieldView, holder: Holder) -> int:
    if field.entity != DEAL:
        return holder.customer_id
    assert holder.deal_id is not None, "a request's field is written on a request"
    return holder.deal_id


async def stored_values(
    session: AsyncSession, holder: Holder, fields: list[FieldView]
) -> dict[int, str]:
    if not fields:
        return {}
    wanted = {f.field_id: object_id(f, holder) for f in fields}
    rows = await session.execute(
        select(FieldValue.field_id, FieldValue.object_id, FieldValue.value).where(
            FieldValue.field_id.in_(wanted), FieldValue.object_id.in_(set(wanted.values()))
        )
    )
    return {fid: value for fid, oid, value in rows if wanted[fid] == oid}


async def write(
    session: AsyncSession,
    actor_id: int | None,
    holder: Holder,
    prepared: Prepared,
    now: datetime,
    rule_id: int | None = None,
) -> list[Happened]:
    """Each value that differs from the stored one is written, with an event in the history
    (from → to); answers what changed, on the deal reported."""
    current = await stored_values(session, holder, [field for field, _ in prepared])
    changed: list[Happened] = []
    for field, stored in prepared:
        old = current.get(field.field_id)
        if old == stored:
            continue
        target = object_id(field, holder)
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
        row = events.noted(holder.deal_id, actor_id, kind, now, old, stored, rule_id)
        detail: dict[str, object] = {"field": field.key, "old": old, "new": stored}
        if field.entity != DEAL:
            # A customer's value: in their history too, and the date rules on it count from
            # it on each of their deals.
            session.add(Event(**row, customer_id=holder.customer_id))
            detail["customer"] = holder.customer_id
        else:
            session.add(Event(**row))
        key = f"{kind}:{now.isoformat()}"
        if holder.reported is not None:
            changed.append(Happened(FIELD_CHANGED, holder.reported, key, detail))
    return changed
