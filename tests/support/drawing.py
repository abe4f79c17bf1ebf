"""Charts drawn while the bot reads on: a stand-in for the drawing process that first reads
the database, as an update arriving meanwhile would."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import processes
from services.db.users import User


def reading_while_drawing(
    sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> list[int]:
    """Each chart drawn from now on first counts the accounts in a unit of work of its own
    (given up after 5 s: the connection is held elsewhere); the counts, one a chart."""
    drawing = processes.run
    read: list[int] = []

    async def draw_while_reading(work: Any, *args: object) -> Any:
        async with sessions() as session:
            read.append(await asyncio.wait_for(session.scalar(select(func.count(User.id))), 5))
        return await drawing(work, *args)

    monkeypatch.setattr(processes, "run", draw_while_reading)
    return read
