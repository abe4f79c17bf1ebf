"""A customer whose Telegram account a merge moved to the kept record writes while the owner
undoes the merge, on PostgreSQL: whichever commits first, the new request ends up with the
record the account is with once both are done, the restored one."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import merge, unmerge
from services.access import Actor, actor_of
from services.clock import ManualClock
from services.content import Content
from services.conversation import Written, customers_write
from services.db.customers import Customer
from services.db.deals import Deal
from services.db.users import User
from services.intake import Request
from tests.services.test_unmerge import a_lead_and_a_telegram_request_with_its_number
from tests.support.db import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="two writers at once need PostgreSQL")


class Paused:
    """A session whose next commit waits until `go` is set, holding its locks meanwhile."""

    def __init__(self, session: AsyncSession) -> None:
        self.reached, self.go = asyncio.Event(), asyncio.Event()
        commit = session.commit

        async def paused() -> None:
            self.reached.set()
            await self.go.wait()
            await commit()

        session.commit = paused  # type: ignore[method-assign]


async def until_waiting(
    sessions: async_sessionmaker[AsyncSession], step: Awaitable[Any], paused: Paused
) -> Any:
    """Run `step` until it waits on a row the paused session holds, then let that commit."""
    later = asyncio.ensure_future(step)
    async with sessions() as watcher:
        while not later.done():
            waiting = await watcher.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            )
            await watcher.rollback()
            if waiting:
                break
    paused.go.set()
    return await later


async def merged(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> tuple[Actor, Actor, int]:
    """Customer 2 (a Telegram account, request 2) merged into customer 1 (a lead known by
    number, request 1), both requests closed since: the owner, the customer and the merge."""
    async with sessions() as session:
        owner, _ = await a_lead_and_a_telegram_request_with_its_number(session, clock)
        done = await merge.merge(session, owner, 2, 1, 1, clock.now())
        for deal_id in (1, 2):
            (await session.get_one(Deal, deal_id)).closed_at = clock.now()
        account = await session.scalar(select(Customer.user_id).where(Customer.id == 1))
        customer = actor_of(await session.get_one(User, account), "en")
        await session.commit()
    return owner, customer, done.merge_id


async def whose(sessions: async_sessionmaker[AsyncSession]) -> dict[str, Any]:
    async with sessions() as session:
        deals = await session.execute(select(Deal.id, Deal.customer_id).order_by(Deal.id))
        accounts = await session.execute(
            select(Customer.id, Customer.user_id).where(Customer.user_id.is_not(None))
        )
        return {"deals": [tuple(r) for r in deals.all()], "accounts": [r[0] for r in accounts]}


async def test_a_request_written_during_the_undo_goes_to_the_restored_record(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    owner, customer, merge_id = await merged(sessions, clock)
    async with sessions() as undoing, sessions() as writing:
        paused = Paused(undoing)
        undo = asyncio.ensure_future(unmerge.undo(undoing, owner, merge_id, clock.now()))
        await paused.reached.wait()
        # The undo has given the account back but not committed: the request waits for it.
        write = customers_write(writing, [Request(customer, Content("a table"))], clock.now())
        [written] = await until_waiting(sessions, write, paused)
        undone = await undo
    assert written == Written(3, True, "U10")
    assert undone.deals == [2]
    assert await whose(sessions) == {"deals": [(1, 1), (2, 2), (3, 2)], "accounts": [2]}


async def test_a_request_written_before_the_undo_commits_is_given_back_by_it(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    owner, customer, merge_id = await merged(sessions, clock)
    async with sessions() as writing, sessions() as undoing:
        paused = Paused(writing)
        write = customers_write(writing, [Request(customer, Content("a table"))], clock.now())
        wrote = asyncio.ensure_future(write)
        await paused.reached.wait()
        # The request is made on the kept record, not yet committed: the undo waits for it.
        undo = unmerge.undo(undoing, owner, merge_id, clock.now())
        undone = await until_waiting(sessions, undo, paused)
        [written] = await wrote
    assert written == Written(3, True, "U10")
    assert undone.deals == [2, 3]
    assert await whose(sessions) == {"deals": [(1, 1), (2, 2), (3, 2)], "accounts": [2]}
