"""New rows of one table in one INSERT, handed back as ORM objects in the order given."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.base import Base

Row = TypeVar("Row", bound=Base)


async def insert_all(
    session: AsyncSession,
    entity: type[Row],
    rows: Sequence[Mapping[str, Any]],
    key: tuple[str, ...],
) -> list[Row]:
    """What `add_all` and `flush` do for new rows, in one statement rather than one per row.

    The unit of work inserts rows whose ids the database generates one by one on SQLite: it
    cannot tell which new id belongs to which row of a multi-row INSERT, and asking for the
    rows back in order (`sort_by_parameter_order`) falls back to the same. Here the rows come
    back in any order and are matched by the `key` columns, which every row must give and which
    must read back exactly as written (ids and texts, not times). When those columns do not
    tell every row apart, the whole batch is inserted in order, one by one, so new ids keep the
    order given (a deal's history is read in it). A None is written as NULL, not replaced by
    the column's default."""
    if not rows:
        return []
    wanted = [tuple(row[column] for column in key) for row in rows]
    # A None is written as NULL rather than left out, so rows missing different values still
    # share one statement.
    statement = insert(entity).execution_options(render_nulls=True)
    if len(set(wanted)) < len(wanted):
        ordered = statement.returning(entity, sort_by_parameter_order=True)
        return list(await session.scalars(ordered, list(rows)))
    found = {
        tuple(getattr(row, column) for column in key): row
        for row in await session.scalars(statement.returning(entity), list(rows))
    }
    return [found[one] for one in wanted]
