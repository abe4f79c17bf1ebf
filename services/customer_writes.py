"""What customers write with no flow open, handled together when it arrives together."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import conversation, inbox
from services.assignment import WorkingHours
from services.clock import Clock
from services.coalesce import Coalescer
from services.conversation import Written
from services.intake import Request

CustomerWrites = Coalescer[Request, Written]


def customer_writes(
    sessions: async_sessionmaker[AsyncSession], clock: Clock, hours: WorkingHours | None = None
) -> CustomerWrites:
    async def write(requests: Sequence[Request]) -> Sequence[Written | Exception]:
        async with sessions() as session:
            inbox.carry(session, [r.update for r in requests if r.update is not None])
            return await conversation.customers_write(session, requests, clock.now(), hours)

    return Coalescer(write)
