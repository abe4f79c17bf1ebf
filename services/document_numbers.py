"""Document numbers per kind and year: Q-2026-0001, INV-2026-0001.

The counter row is raised in the transaction that writes the document: the row lock makes
concurrent writers (on every worker) wait their turn, and a transaction that fails takes its
number back with it, so numbers are never skipped or repeated."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.documents import DocumentCounter
from services.db.engine import is_postgres

PREFIXES = {"quote": "Q", "invoice": "INV", "contract": "C"}


async def next_number(session: AsyncSession, kind: str, year: int) -> str:
    dialect = postgresql if is_postgres(session) else sqlite
    await session.execute(
        dialect.insert(DocumentCounter)
        .values(kind=kind, year=year, last=0)
        .on_conflict_do_nothing(index_elements=["kind", "year"])
    )
    raised = await session.execute(
        update(DocumentCounter)
        .where(DocumentCounter.kind == kind, DocumentCounter.year == year)
        .values(last=DocumentCounter.last + 1)
        .returning(DocumentCounter.last)
    )
    return f"{PREFIXES[kind]}-{year}-{raised.scalar_one():04d}"
