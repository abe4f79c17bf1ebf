"""Document numbers per kind and year: taken in the transaction that writes the document, so
writers at once each get their own and a transaction that fails gives its number back."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine

from services.db.engine import session_factory
from services.document_numbers import next_number


async def test_numbers_count_per_kind_and_year(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with sessions() as session:
        taken = [
            await next_number(session, "quote", 2026),
            await next_number(session, "quote", 2026),
            await next_number(session, "invoice", 2026),
            await next_number(session, "quote", 2027),
        ]
        await session.commit()
    assert taken == ["Q-2026-0001", "Q-2026-0002", "INV-2026-0001", "Q-2027-0001"]


async def test_a_failed_transaction_gives_its_number_back(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with sessions() as session:
        assert await next_number(session, "invoice", 2026) == "INV-2026-0001"
        await session.rollback()
        assert await next_number(session, "invoice", 2026) == "INV-2026-0001"
        await session.commit()


async def test_writers_at_once_never_share_or_skip_a_number(engine: AsyncEngine) -> None:
    """Twenty transactions at once (on PostgreSQL, each on its own connection, waiting on the
    counter's row in turn), five of them failing after taking a number."""
    sessions = session_factory(engine)

    async def one(index: int) -> str | None:
        async with sessions() as session:
            number = await next_number(session, "quote", 2026)
            await asyncio.sleep(0)
            if index % 4 == 3:
                await session.rollback()
                return None
            await session.commit()
            return number

    numbers = [n for n in await asyncio.gather(*(one(i) for i in range(20))) if n]
    assert sorted(numbers) == [f"Q-2026-{n:04d}" for n in range(1, 16)]
