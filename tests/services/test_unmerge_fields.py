"""Undoing a merge gives back the owner's customer fields the kept record took."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import merge, unmerge
from services.clock import ManualClock
from services.db.fields import FieldDef, FieldValue
from services.field_kinds import CUSTOMER
from tests.services.test_unmerge import a_lead_and_a_telegram_request_with_its_number


async def field(session: AsyncSession, clock: ManualClock, key: str) -> int:
    names = {"en": key}
    made = FieldDef(
        entity=CUSTOMER, key=key, kind="text", names=names, position=0, created_at=clock.now()
    )
    session.add(made)
    await session.flush()
    return made.id


async def test_the_customer_fields_the_kept_record_lacked_move_and_come_back(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner, _ = await a_lead_and_a_telegram_request_with_its_number(session, clock)
    vip, note = await field(session, clock, "vip"), await field(session, clock, "note")
    for object_id, field_id, value in ((2, vip, "yes"), (2, note, "Leyla's"), (1, note, "lead's")):
        session.add(
            FieldValue(
                entity=CUSTOMER,
                object_id=object_id,
                field_id=field_id,
                value=value,
                updated_at=clock.now(),
            )
        )
    await session.commit()

    async def values() -> list[tuple[Any, ...]]:
        found = await session.execute(
            select(FieldValue.object_id, FieldValue.field_id, FieldValue.value).order_by(
                FieldValue.id
            )
        )
        return [tuple(r) for r in found.all()]

    before = await values()
    merged = await merge.merge(session, owner, 2, 1, 1, clock.now())
    assert await values() == [(1, vip, "yes"), (2, note, "Leyla's"), (1, note, "lead's")]
    shown = [(f.field.key, f.value) for f in merged.card.fields]
    assert shown == [("vip", "yes"), ("note", "lead's")]
    await unmerge.undo(session, owner, merged.merge_id, clock.now())
    assert await values() == before
