"""Requests staff enter by hand, through the service: who may, whose they become, what the
rules see, and which sources may be given."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import assignment_rule, lead_sources
from services.assignment import BY_TAG
from services.clock import ManualClock
from services.content import Content
from services.db.deals import Deal, LeadSource
from services.db.outbox import Outbox
from services.db.rules import DealTag
from services.errors import AccessDenied, InvalidInput, NotFound
from services.staff_leads import Lead, enter
from tests.support.rules import rule
from tests.support.seed import actor, add_user

LEAD = Lead("Rauf", "+994501234567", Content("Sofa"), "walk_in")


async def test_a_customer_may_not_enter_a_request(
    session: AsyncSession, clock: ManualClock
) -> None:
    customer = actor(await add_user(session, 100, "customer", clock))
    with pytest.raises(AccessDenied):
        await enter(session, customer, LEAD, clock.now())
    assert await session.scalar(select(func.count()).select_from(Deal)) == 0


async def test_rules_see_a_request_entered_by_hand(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = actor(await add_user(session, 1, "owner", clock))
    manager = actor(await add_user(session, 10, "manager", clock))
    await rule(
        session,
        owner,
        clock,
        when={"event": "created", "sources": ["manual"]},
        then=[{"do": "tag", "tag": "byhand"}],
    )
    deal_id = (await enter(session, manager, LEAD, clock.now())).deal_id
    assert set(await session.scalars(select(DealTag.tag).where(DealTag.deal_id == deal_id))) == {
        "byhand"
    }


async def test_an_owners_request_with_no_manager_to_take_it_comes_back_to_them(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = actor(await add_user(session, 1, "owner", clock))
    entered = await enter(session, owner, LEAD, clock.now())
    assert entered.card_queued is True
    deal = await session.get_one(Deal, entered.deal_id)
    assert (deal.manager_id, deal.taken_at) == (owner.user_id, None)
    rows = await session.execute(select(Outbox.chat_id, Outbox.kind).order_by(Outbox.id))
    assert rows.all() == [(1, "deal_card")]


async def test_an_owners_request_goes_to_the_manager_tagged_with_its_source(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = actor(await add_user(session, 1, "owner", clock))
    await add_user(session, 10, "manager", clock)
    tagged = await add_user(session, 11, "manager", clock)
    tagged.tags = "instagram"
    await session.commit()
    await assignment_rule.set_strategy(session, owner, BY_TAG, clock.now())
    for _ in range(2):
        lead = Lead("R", None, Content("Sofa"), "instagram")
        deal = await session.get_one(
            Deal, (await enter(session, owner, lead, clock.now())).deal_id
        )
        assert deal.manager_id == tagged.id


async def test_only_an_offered_source_may_be_given(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = actor(await add_user(session, 1, "owner", clock))
    manager = actor(await add_user(session, 10, "manager", clock))
    for source in ("telegram", "web", "Fair", ""):
        with pytest.raises(NotFound):
            await enter(session, manager, Lead("R", None, Content(), source), clock.now())
    await lead_sources.add(session, owner, "Fair", clock.now())
    entered = await enter(session, manager, Lead("R", None, Content(), "Fair"), clock.now())
    assert (await session.get_one(Deal, entered.deal_id)).source_detail == "Fair"


async def test_the_owners_sources_are_kept_in_the_order_added(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = actor(await add_user(session, 1, "owner", clock))
    manager = actor(await add_user(session, 10, "manager", clock))
    await lead_sources.add(session, owner, "Fair", clock.now())
    listed = await lead_sources.add(session, owner, "  Radio   ad ", clock.now())
    assert [s.key for s in listed][-2:] == ["Fair", "Radio ad"]
    with pytest.raises(InvalidInput):
        await lead_sources.add(session, owner, "radio AD", clock.now())
    with pytest.raises(AccessDenied):
        await lead_sources.add(session, manager, "Billboard", clock.now())
    fair = await session.scalar(select(LeadSource.id).where(LeadSource.name == "Fair"))
    assert fair is not None
    with pytest.raises(AccessDenied):
        await lead_sources.remove(session, manager, fair)
    with pytest.raises(AccessDenied):
        await lead_sources.managed(session, manager)
    listed = await lead_sources.remove(session, owner, fair)
    assert [s.key for s in listed] == [*lead_sources.BUILT_IN, "Radio ad"]
