"""Reading fields: their definitions, and the values filled in on deals and their customers."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.fields import FieldDef, FieldValue
from services.field_kinds import CUSTOMER, DEAL, Choice, FieldView, Shown, typed


def view(row: FieldDef) -> FieldView:
    return FieldView(
        field_id=row.id,
        entity=row.entity,
        key=row.key,
        kind=row.kind,
        names=dict(row.names),
        choices=tuple(_choice(c) for c in row.choices),
        position=row.position,
        active=row.active,
    )


def _choice(stored: dict[str, Any]) -> Choice:
    return Choice(str(stored["key"]), dict(stored["names"]))


def _order() -> Any:
    # Deal fields first, then the customer's, each in the owner's order.
    return (FieldDef.entity != DEAL, FieldDef.position, FieldDef.id)


async def definitions(session: AsyncSession, active_only: bool = True) -> list[FieldView]:
    query = select(FieldDef).order_by(*_order())
    if active_only:
        query = query.where(FieldDef.active.is_(True))
    return [view(row) for row in await session.scalars(query)]


async def any_active(session: AsyncSession, entity: str) -> bool:
    """Whether the owner has a field switched on for deals or for customers."""
    found = await session.scalar(
        select(FieldDef.id).where(FieldDef.entity == entity, FieldDef.active.is_(True)).limit(1)
    )
    return found is not None


async def shown(
    session: AsyncSession, deals: Collection[tuple[int, int]]
) -> dict[int, tuple[Shown, ...]]:
    """The active fields filled in on each (deal id, its customer id), by deal id."""
    if not deals:
        return {}
    deal_ids = {deal_id for deal_id, _ in deals}
    customer_ids = {customer_id for _, customer_id in deals}
    rows = await session.execute(
        select(FieldValue.entity, FieldValue.object_id, FieldValue.value, FieldDef)
        .join(FieldDef, FieldDef.id == FieldValue.field_id)
        .where(
            FieldDef.active.is_(True),
            or_(
                and_(FieldValue.entity == DEAL, FieldValue.object_id.in_(deal_ids)),
                and_(FieldValue.entity == CUSTOMER, FieldValue.object_id.in_(customer_ids)),
            ),
        )
        .order_by(*_order())
    )
    values: dict[tuple[str, int], list[Shown]] = {}
    for entity, object_id, stored, definition in rows:
        field = view(definition)
        values.setdefault((entity, object_id), []).append(Shown(field, typed(field, stored)))
    return {
        deal_id: (*values.get((DEAL, deal_id), ()), *values.get((CUSTOMER, customer_id), ()))
        for deal_id, customer_id in deals
    }
