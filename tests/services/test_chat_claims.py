"""A sender holds enough chats to keep the budget busy: each chat sends at its own rate, so a
few chats with many rows each would leave it unused however many rows they hold."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.metrics import Metrics
from bot.sender.claims import ChatClaims
from services import outbox
from services.clock import ManualClock
from tests.support.seed import queue_rows


async def test_chats_with_many_rows_do_not_fill_a_claim_that_needs_more_chats(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions() as session:
        await queue_rows(session, range(1, 7), 5, clock)
    claims = ChatClaims(
        sessions,
        clock,
        "one",
        timedelta(seconds=15),
        rows=10,
        per_chat=5,
        metrics=Metrics(),
        chats=4,
    )
    # Ten rows would be two chats of five: four are claimed, the chats the budget needs.
    first = await claims.claim()
    assert sorted(first) == [1, 2, 3, 4]
    assert claims.nearly_full
    async with sessions() as session:  # two chats done with, their rows settled
        await outbox.give_up(
            session, [row.id for c in (1, 2) for row in first[c]], clock.now(), ""
        )
        await session.commit()
    for chat_id in (1, 2):
        await claims.done(chat_id)
    # Two chats left with ten rows between them: the rows are full, the chats are not.
    assert not claims.nearly_full
    second = await claims.claim()
    assert sorted(second) == [5, 6]
