"""The owner undoes a merge of two customers within 24 hours of it: both records come back as
they were, with their ids, columns, deals, customer field values, typed numbers, tags and card
history; each card's version moves on. A request made since the merge goes with the record
whose Telegram account or own number it came from; anything else made or changed on the kept
record since stays with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, and_, false, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services import events
from services.access import Actor, require_owner
from services.customer_moves import give_back
from services.customer_rows import from_json, put, to_json
from services.customers import held, label
from services.db.customers import Customer, CustomerMerge
from services.db.deals import Deal
from services.db.fields import FieldValue
from services.errors import Conflict, ErrorCode, NotFound
from services.merge import Named

UNDO_WITHIN = timedelta(hours=24)
SHOWN = 10
# Numbers and accounts name one customer only: the restored record takes its own back.
_UNIQUE = ("phone", "user_id")


class AlreadyUndone(Conflict):
    code = ErrorCode.MERGE_UNDONE


class UndoExpired(Conflict):
    code = ErrorCode.MERGE_UNDO_EXPIRED


class UndoBlocked(Conflict):
    """One of the two was merged again since, or another record now has the number."""

    code = ErrorCode.MERGE_UNDO_BLOCKED


@dataclass(frozen=True)
class Undone:
    customer: Named
    into: Named
    # The requests given back to the restored customer.
    deals: list[int]


@dataclass(frozen=True)
class MergeView:
    merge_id: int
    customer: Named
    into: Named
    merged_at: datetime


def undo_until(merged_at: datetime) -> datetime:
    return merged_at + UNDO_WITHIN


async def undoable(session: AsyncSession, actor: Actor, now: datetime) -> list[MergeView]:
    """The merges of the last 24 hours not undone, newest first, each customer named as it
    was before the merge."""
    require_owner(actor)
    rows = await session.execute(
        select(CustomerMerge, Customer.name, Customer.phone)
        .join(Customer, Customer.id == CustomerMerge.into_id)
        .where(CustomerMerge.undone_at.is_(None), CustomerMerge.merged_at >= now - UNDO_WITHIN)
        .order_by(CustomerMerge.id.desc())
        .limit(SHOWN)
    )
    return [
        MergeView(
            record.id,
            Named(record.other["name"], record.other["phone"]),
            # As it was before the merge filled it in.
            Named(record.filled.get("name", name), record.filled.get("phone", phone)),
            record.merged_at,
        )
        for record, name, phone in rows.all()
    ]


async def undo(session: AsyncSession, actor: Actor, merge_id: int, now: datetime) -> Undone:
    require_owner(actor)
    record = await session.get(CustomerMerge, merge_id)
    if record is None:
        raise NotFound()
    # A merge or another undo of either record meanwhile is waited for, and then seen.
    both = await held(session, record.into_id, record.other_id)
    await session.refresh(record)
    if record.undone_at is not None:
        raise AlreadyUndone()
    if now > undo_until(record.merged_at):
        raise UndoExpired()
    into, other = both.get(record.into_id), both.get(record.other_id)
    if into is None or other is None or into.merged_into_id is not None:
        raise UndoBlocked()
    if other.merged_into_id != into.id or not await _free(session, record):
        raise UndoBlocked()
    # Of two presses at once, only the first finds it not undone.
    claimed = cast(
        CursorResult[Any],
        await session.execute(
            update(CustomerMerge)
            .where(CustomerMerge.id == merge_id, CustomerMerge.undone_at.is_(None))
            .values(undone_at=now, undone_by=actor.user_id)
            .execution_options(synchronize_session=False)
        ),
    )
    if claimed.rowcount != 1:
        await session.rollback()
        raise AlreadyUndone()
    for key, before in record.filled.items():
        # What was changed on the kept record since the merge stays as it is now.
        if to_json(getattr(into, key)) == record.other.get(key):
            setattr(into, key, from_json(key, before))
    await session.flush()
    put(other, record.other)
    # A card of either drawn before the undo shows what they have no longer.
    other.version = record.other["version"] + 1
    await session.flush()
    await session.execute(
        update(Customer).where(Customer.id == into.id).values(version=Customer.version + 1)
    )
    await give_back(session, record)
    back = await _deals_back(session, record)
    await _give_back(session, record, back)
    noted = label(into), label(other)
    await events.record_all(
        session,
        [events.noted(deal_id, actor.user_id, "unmerged", now, *noted) for deal_id in back],
    )
    await events.record_all(
        session,
        [events.on_customer(c.id, actor.user_id, "unmerged", now, *noted) for c in (into, other)],
    )
    undone = Undone(Named(other.name, other.phone), Named(into.name, into.phone), back)
    await session.commit()
    return undone


async def _free(session: AsyncSession, record: CustomerMerge) -> bool:
    """Whether the restored record's number and account are held by nobody but the kept
    record, which gives back what the merge filled in."""
    for key in _UNIQUE:
        value = record.other.get(key)
        if value is None:
            continue
        holder = await session.scalar(select(Customer.id).where(getattr(Customer, key) == value))
        if holder not in (None, record.other_id) and not (
            holder == record.into_id and key in record.filled
        ):
            return False
    return True


async def _deals_back(session: AsyncSession, record: CustomerMerge) -> list[int]:
    """The deals that moved, and those made since that came from the restored record's
    Telegram account or own number (given with a form, or a call's), that are still the kept
    record's."""
    since: list[ColumnElement[bool]] = []
    if record.other.get("user_id") is not None:
        since.append(Deal.source == "telegram")
    if record.other.get("phone") is not None:
        since.append(and_(Deal.source != "telegram", Deal.phone == record.other["phone"]))
    if "phone" in record.filled:
        # A call is found by the own number, which the kept record had from the other.
        since.append(and_(Deal.source == "phone", Deal.phone.is_(None)))
    made = and_(Deal.created_at >= record.merged_at, or_(false(), *since))
    query = (
        select(Deal.id)
        .where(Deal.customer_id == record.into_id, or_(Deal.id.in_(record.deals), made))
        .order_by(Deal.id)
    )
    return list(await session.scalars(query))


async def _give_back(session: AsyncSession, record: CustomerMerge, back: list[int]) -> None:
    await session.execute(
        update(Deal)
        .where(Deal.id.in_(back))
        .values(customer_id=record.other_id, version=Deal.version + 1)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(FieldValue)
        .where(FieldValue.id.in_(record.field_values), FieldValue.object_id == record.into_id)
        .values(object_id=record.other_id)
        .execution_options(synchronize_session=False)
    )
    if record.phoned:
        await session.execute(
            update(Deal)
            .where(Deal.id.in_(record.phoned), Deal.phone == record.other["phone"])
            .values(phone=None)
            .execution_options(synchronize_session=False)
        )
