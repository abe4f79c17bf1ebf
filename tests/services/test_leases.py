"""A named lease is one holder's while it renews it; free for another once it runs out or is let
go; of two taking it at once, one gets it."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services import leases
from services.clock import ManualClock
from tests.support.workers import other_worker

TTL = timedelta(seconds=30)


async def test_a_lease_is_its_holders_until_it_runs_out(
    session: AsyncSession, clock: ManualClock
) -> None:
    assert await leases.take(session, "poller", "a", clock.now(), TTL)
    assert not await leases.take(session, "poller", "b", clock.now(), TTL)
    clock.advance(timedelta(seconds=20))
    assert await leases.take(session, "poller", "a", clock.now(), TTL)  # renewed
    clock.advance(timedelta(seconds=20))
    assert not await leases.take(session, "poller", "b", clock.now(), TTL)
    assert await leases.holder_of(session, "poller", clock.now()) == "a"
    clock.advance(timedelta(seconds=11))
    assert await leases.take(session, "poller", "b", clock.now(), TTL)
    await leases.release(session, "poller", "a")  # "a" no longer holds it: nothing changes
    assert await leases.holder_of(session, "poller", clock.now()) == "b"
    await leases.release(session, "poller", "b")
    assert await leases.holder_of(session, "poller", clock.now()) is None


async def test_of_several_taking_a_lease_at_once_one_gets_it(
    database_url: str, clock: ManualClock
) -> None:
    async def take(holder: str) -> bool:
        async with other_worker(database_url) as session:
            return await leases.take(session, "setup", holder, clock.now(), TTL)

    results = await asyncio.gather(*(take(f"w{n}") for n in range(4)))
    assert sorted(results) == [False, False, False, True]
