"""Two deals of one customer filling the customer's field at the same moment: both succeed."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from services import fields
from services.clock import ManualClock
from services.db.customers import Customer
from services.db.deals import Deal
from services.db.engine import session_factory
from services.db.fields import FieldValue
from services.field_writes import on_deal, write
from services.intake import open_deal
from tests.support.db import PG_URL
from tests.support.seed import setup_deal


@pytest.mark.skipif(not PG_URL, reason="two writers at once need PostgreSQL")
async def test_a_customers_field_filled_from_two_deals_at_once(
    engine: AsyncEngine, clock: ManualClock
) -> None:
    sessions = session_factory(engine)
    async with sessions() as session:
        _, owner, _ = await setup_deal(session, clock)
        customer = await session.get_one(Customer, 1)
        await open_deal(session, customer, "phone", "", clock.now())
        await session.commit()
        field = await fields.add(
            session, owner, "customer", "text", {"en": "City"}, None, clock.now()
        )
    async with sessions() as first, sessions() as second:
        one = await first.get_one(Deal, 1)
        two = await second.get_one(Deal, 2)
        await write(first, None, on_deal(one), [(field, "Baku")], clock.now())
        later = asyncio.create_task(
            write(second, None, on_deal(two), [(field, "Ganja")], clock.now())
        )
        # The second waits on the first's row until the first commits.
        async with sessions() as watcher:
            while not later.done():
                waiting = await watcher.scalar(
                    text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
                )
                await watcher.rollback()
                if waiting:
                    break
        await first.commit()
        await later
        await second.commit()
    async with sessions() as session:
        values = await session.scalars(select(FieldValue.value))
        assert list(values) == ["Ganja"]
