"""The owners named in the settings are known before they write: processes starting together
each make sure of it, and one row per owner comes of it."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from services.clock import ManualClock
from services.db.users import User
from services.users import ensure_owners
from tests.support.workers import other_worker

OWNERS = [1, 2]


async def test_processes_starting_together_make_one_row_per_owner(
    database_url: str, clock: ManualClock
) -> None:
    async def start() -> None:
        async with other_worker(database_url) as session:
            await ensure_owners(session, OWNERS, clock.now())

    await asyncio.gather(*(start() for _ in range(4)))
    async with other_worker(database_url) as session:
        rows = await session.execute(
            select(User.tg_id, User.role, func.count()).group_by(User.tg_id, User.role)
        )
        assert sorted(tuple(row) for row in rows) == [(1, "owner", 1), (2, "owner", 1)]
