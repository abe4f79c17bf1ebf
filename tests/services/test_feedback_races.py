"""Two presses of the customer's stars at the same moment: one rating, one event, one alert."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from services import feedback
from services.clock import ManualClock
from services.db.deals import Deal, Event, Stage
from services.db.engine import session_factory
from services.db.feedback import Feedback
from services.db.outbox import Outbox
from services.feedback_ask import closed
from tests.support.db import PG_URL
from tests.support.seed import setup_deal


@pytest.mark.skipif(not PG_URL, reason="two writers at once need PostgreSQL")
async def test_two_presses_at_once_rate_once(engine: AsyncEngine, clock: ManualClock) -> None:
    sessions = session_factory(engine)
    async with sessions() as session:
        _, _, customer = await setup_deal(session, clock)
        deal = await session.get_one(Deal, 1)
        won = await session.scalar(select(Stage).where(Stage.kind == "won"))
        assert won is not None
        assert len(await closed(session, deal, won, clock.now())) == 1
        await session.commit()

    async def press(rating: int) -> feedback.Rated:
        async with sessions() as session:
            return await feedback.rate(session, customer.user_id, 1, rating, clock.now())

    first, second = await asyncio.gather(press(1), press(2))
    assert sorted([first.already, second.already]) == [False, True]
    # Whichever came second is told the first's rating.
    assert first.rating == second.rating
    async with sessions() as session:
        given = await session.get_one(Feedback, 1)
        assert given.rating == first.rating
        rated = select(func.count()).select_from(Event).where(Event.kind == "rated")
        assert await session.scalar(rated) == 1
        alerts = select(func.count()).select_from(Outbox).where(Outbox.kind == "feedback_low")
        assert await session.scalar(alerts) == 1
