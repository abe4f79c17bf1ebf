"""Taking a request and handing it over: one winner, and older cards become stale."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import conversation, pipeline, team
from services.access import actor_of
from services.clock import ManualClock
from services.db.deals import Deal, Event
from services.errors import AccessDenied, Conflict
from services.pipeline import StaleCard
from tests.support.seed import add_user, setup_deal
from tests.support.workers import other_worker


async def test_a_take_read_before_another_take_landed_loses(
    database_url: str, sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    """The owner's worker read the request untaken; the manager's take lands first."""
    async with sessions() as first, other_worker(database_url) as second:
        manager, owner, _ = await setup_deal(first, clock)
        early = await second.get_one(Deal, 1)
        assert early.taken_at is None
        taken = await conversation.take(first, manager, 1, clock.now())
        assert not taken.already
        with pytest.raises(Conflict) as refused:
            await conversation.take(second, owner, 1, clock.now())
        assert refused.value.code == "already_taken"
    async with sessions() as session:
        deal = await session.get_one(Deal, 1)
        kinds = list(await session.scalars(select(Event.kind).order_by(Event.id)))
    assert (deal.manager_id, deal.taken_at, deal.version) == (2, clock.now(), 2)
    assert kinds == ["created", "assigned", "taken"]


async def test_a_take_read_before_a_handover_landed_is_refused(
    database_url: str, sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    """The manager's worker read the request as theirs; the owner hands it over first."""
    async with sessions() as first, other_worker(database_url) as second:
        manager, owner, _ = await setup_deal(first, clock)
        colleague = await add_user(first, 11, "manager", clock)
        assert (await second.get_one(Deal, 1)).manager_id == manager.user_id
        await pipeline.reassign(first, owner, 1, 1, colleague.id, clock.now())
        with pytest.raises(AccessDenied):
            await conversation.take(second, manager, 1, clock.now())
    async with sessions() as session:
        deal = await session.get_one(Deal, 1)
        taken = await session.scalars(select(Event.id).where(Event.kind == "taken"))
    assert (deal.manager_id, deal.taken_at) == (colleague.id, None)
    assert taken.all() == []


async def test_taking_twice_is_answered_and_changes_nothing(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, _, _ = await setup_deal(session, clock)
    assert not (await conversation.take(session, manager, 1, clock.now())).already
    assert (await conversation.take(session, manager, 1, clock.now())).already
    taken = await session.scalars(select(Event.id).where(Event.kind == "taken"))
    assert len(taken.all()) == 1
    assert (await session.get_one(Deal, 1)).version == 2


async def test_a_card_from_before_a_take_or_a_handover_is_stale(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    await conversation.take(session, manager, 1, clock.now())
    with pytest.raises(StaleCard) as stale:
        await pipeline.move(session, owner, 1, 1, None, clock.now())
    assert stale.value.card.version == 2
    other = actor_of(await add_user(session, 11, "manager", clock), "en")
    assert await team.set_active(session, owner, manager.user_id, False, clock.now()) == 1
    deal = await session.get_one(Deal, 1)
    assert (deal.manager_id, deal.taken_at, deal.version) == (other.user_id, None, 3)
    with pytest.raises(StaleCard):
        await pipeline.move(session, other, 1, 2, None, clock.now())
    await pipeline.move(session, other, 1, 3, None, clock.now())
    assert (await session.get_one(Deal, 1)).stage_id == 2
