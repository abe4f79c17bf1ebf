"""Merges and undos touching one customer at the same moment, on PostgreSQL: the second waits
for the first and then sees what it did, so no request is left with a merged-away record and
an undo is refused once either record has been merged again."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from services import merge, unmerge
from services.access import Actor, actor_of
from services.clock import ManualClock
from services.customers import held, join
from services.db.customers import Customer
from services.db.deals import Deal
from services.db.engine import session_factory
from tests.support.db import PG_URL
from tests.support.seed import add_user, deal_for

NUMBER = "+994501234567"
OTHER_NUMBER = "+994507654321"
pytestmark = pytest.mark.skipif(not PG_URL, reason="two writers at once need PostgreSQL")


async def three_customers(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> Actor:
    """Lead (1) with deal 1; Rauf (2), whose deal 2 gives Lead's number; Sara (3), whose deal 3
    gives Rauf's."""
    async with sessions() as session:
        owner = actor_of(await add_user(session, 1, "owner", clock), "en")
        await deal_for(session, None, clock, name="Lead", phone=NUMBER)
        (await deal_for(session, None, clock, name="Rauf", phone=OTHER_NUMBER)).phone = NUMBER
        (await deal_for(session, None, clock, name="Sara", phone=None)).phone = OTHER_NUMBER
        await session.commit()
    return owner


async def while_held(
    sessions: async_sessionmaker[AsyncSession], holder: AsyncSession, step: Awaitable[Any]
) -> Any:
    """Run `step` until it waits on a row `holder` holds, then commit `holder`."""
    later = asyncio.ensure_future(step)
    async with sessions() as watcher:
        while not later.done():
            waiting = await watcher.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            )
            await watcher.rollback()
            if waiting:
                break
    await holder.commit()
    return await later


async def owners(session: AsyncSession) -> list[tuple[int, int, int | None]]:
    found = await session.execute(
        select(Deal.id, Customer.id, Customer.merged_into_id)
        .join(Customer, Customer.id == Deal.customer_id)
        .order_by(Deal.id)
    )
    return [tuple(r) for r in found.all()]


async def test_a_merge_waits_for_a_merge_into_its_record_and_takes_its_requests(
    engine: AsyncEngine, clock: ManualClock
) -> None:
    sessions = session_factory(engine)
    owner = await three_customers(sessions, clock)
    async with sessions() as holder, sessions() as pressing:
        # Sara is being merged into Rauf while the owner merges Rauf into Lead.
        both = await held(holder, 2, 3)
        await join(holder, into=both[2], other=both[3], actor_id=None, now=clock.now())
        await while_held(sessions, holder, merge.merge(pressing, owner, 2, 1, 1, clock.now()))
    async with sessions() as session:
        assert await owners(session) == [(1, 1, None), (2, 1, None), (3, 1, None)]


async def test_an_undo_waits_for_a_merge_of_the_kept_record_and_is_refused(
    engine: AsyncEngine, clock: ManualClock
) -> None:
    sessions = session_factory(engine)
    owner = await three_customers(sessions, clock)
    async with sessions() as session:
        merged = await merge.merge(session, owner, 2, 1, 1, clock.now())
    async with sessions() as holder, sessions() as pressing:
        # Lead, who kept Rauf's requests, is being merged into Sara as the owner undoes.
        both = await held(holder, 1, 3)
        await join(holder, into=both[3], other=both[1], actor_id=None, now=clock.now())
        undo = unmerge.undo(pressing, owner, merged.merge_id, clock.now())
        with pytest.raises(unmerge.UndoBlocked):
            await while_held(sessions, holder, undo)
    async with sessions() as session:
        assert await owners(session) == [(1, 3, None), (2, 3, None), (3, 3, None)]
