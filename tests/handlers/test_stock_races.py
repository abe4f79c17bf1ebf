"""Two requests holding the last units of a product at once: the second waits for the first's
hold and counts it, so what goes beyond the stock is told."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select, text

from services import stock
from services.db.deals import Stage
from services.db.users import User
from tests.support.db import PG_URL
from tests.support.deals import ANNA, new_deal
from tests.support.harness import Harness, person
from tests.support.items import SCREEN, ten_glue
from tests.support.stock import GLUE, reserving, set_stock


@pytest.mark.skipif(not PG_URL, reason="two writers at once need PostgreSQL")
async def test_two_requests_holding_the_last_units_take_turns(tg: Harness) -> None:
    await ten_glue(tg)
    await new_deal(tg, person(101, "Rauf"), "Glue please")
    await tg.press(ANNA, "cg:p:2:1:3:0", message_id=SCREEN)
    await tg.send(ANNA, "5")
    # 12 in stock: request #1 holds 10, so request #2's 5 go beyond it.
    await set_stock(tg, GLUE, "12")
    await reserving(tg)
    now = tg.clock.now()
    async with tg.app.sessions() as first, tg.app.sessions() as second:
        anna = await first.scalar(select(User.id).where(User.tg_id == ANNA.id))
        one = await stock.moved(first, 1, await first.get_one(Stage, 3), now, anna)
        later = asyncio.create_task(
            stock.moved(second, 2, await second.get_one(Stage, 3), now, anna)
        )
        # The second waits on the product's row until the first commits.
        async with tg.app.sessions() as watcher:
            while not later.done():
                waiting = await watcher.scalar(
                    text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
                )
                await watcher.rollback()
                if waiting:
                    break
        assert not later.done()
        await first.commit()
        two = await later
        await second.commit()
    assert one.notices == []
    # The owners and the manager are told of the hold beyond the stock (Anna moved it).
    assert two.notices != []
