"""The owner's merge of two customer records, checked in the service: who may, which pair,
which card version, and what the joined record keeps."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import merge
from services.access import Actor, actor_of
from services.clock import ManualClock
from services.content import Content
from services.db.customers import Customer
from services.db.deals import Deal, Event
from services.errors import AccessDenied
from services.intake import submit_request
from services.pipeline import StaleCard
from tests.support.seed import add_user, deal_for

NUMBER = "+994501234567"
OTHER_NUMBER = "+994507654321"


async def phone_customer(
    session: AsyncSession, clock: ManualClock, **values: Any
) -> tuple[Customer, Deal]:
    values.setdefault("phone", None)
    deal = await deal_for(session, None, clock, source="web", **values)
    return await session.get_one(Customer, deal.customer_id), deal


async def a_lead_then_a_request_with_its_number(
    session: AsyncSession, clock: ManualClock, **lead: Any
) -> tuple[Actor, Actor]:
    """Deal 1: a web lead; deal 2: a Telegram customer's request giving the lead's number.
    Returns (owner, manager of deal 2)."""
    owner = actor_of(await add_user(session, 1, "owner", clock), "en")
    manager = actor_of(await add_user(session, 10, "manager", clock), "en")
    await phone_customer(session, clock, **({"name": "Lead", "phone": NUMBER} | lead))
    customer = await add_user(session, 100, "customer", clock)
    await submit_request(session, actor_of(customer, "en"), Content("sofa"), NUMBER, clock.now())
    return owner, manager


async def snapshot(session: AsyncSession) -> list[Any]:
    session.expire_all()
    rows = await session.execute(
        select(Customer.id, Customer.name, Customer.phone, Customer.email, Customer.user_id)
    )
    deals = await session.execute(select(Deal.id, Deal.customer_id, Deal.version, Deal.phone))
    events = await session.execute(
        select(Event.kind, Event.deal_id, Event.customer_id)
        .where(Event.kind == "merged")
        .order_by(Event.id)
    )
    return [sorted(rows.all()), sorted(deals.all()), events.all()]


async def test_a_manager_may_not_merge_even_on_their_own_deal(
    session: AsyncSession, clock: ManualClock
) -> None:
    _, manager = await a_lead_then_a_request_with_its_number(session, clock)
    before = await snapshot(session)
    with pytest.raises(AccessDenied):
        await merge.preview(session, manager, 2, 1, 1)
    with pytest.raises(AccessDenied):
        await merge.merge(session, manager, 2, 1, 1, clock.now())
    assert await snapshot(session) == before


@pytest.mark.parametrize(
    ("deal_id", "seen", "other_id"),
    [(2, 1, 2), (2, 1, 7), (2, 2, 1), (3, 1, 1)],
    ids=["itself", "unknown", "newer version", "no match shown"],
)
async def test_a_forged_or_stale_pair_is_refused_with_the_card_as_it_is(
    session: AsyncSession, clock: ManualClock, deal_id: int, seen: int, other_id: int
) -> None:
    owner, _ = await a_lead_then_a_request_with_its_number(session, clock)
    await phone_customer(session, clock, name="Someone else", phone=OTHER_NUMBER)
    before = await snapshot(session)
    with pytest.raises(StaleCard) as stale:
        await merge.merge(session, owner, deal_id, seen, other_id, clock.now())
    assert stale.value.card.deal_id == deal_id
    assert await snapshot(session) == before


async def test_two_telegram_accounts_are_refused(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner, _ = await a_lead_then_a_request_with_its_number(session, clock)
    lead = await session.get_one(Customer, 1)
    lead.user_id = (await add_user(session, 101, "customer", clock)).id
    await session.commit()
    before = await snapshot(session)
    with pytest.raises(merge.BothInTelegram):
        await merge.preview(session, owner, 2, 1, 1)
    with pytest.raises(merge.BothInTelegram):
        await merge.merge(session, owner, 2, 1, 1, clock.now())
    assert await snapshot(session) == before


async def test_the_joined_record_keeps_the_account_own_number_and_e_mail(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner, _ = await a_lead_then_a_request_with_its_number(
        session, clock, name="", email="lead@example.com"
    )
    merging = await merge.preview(session, owner, 2, 1, 1)
    assert (merging.customer.name, merging.into.name, merging.into.phone) == ("U100", "", NUMBER)
    card = (await merge.merge(session, owner, 2, 1, 1, clock.now())).card
    assert (card.customer_id, card.customer_name, card.email) == (1, "U100", "lead@example.com")
    assert card.match is None
    customer_user = await session.scalar(select(Customer.user_id).where(Customer.id == 1))
    assert customer_user is not None
    # The merged record keeps its id, with nothing of its own, for an undo.
    assert await snapshot(session) == [
        [(1, "U100", NUMBER, "lead@example.com", customer_user), (2, "U100", None, None, None)],
        [(1, 1, 1, None), (2, 1, 3, NUMBER)],
        # The moved request's history says so, and so does the kept customer's.
        [("merged", 2, None), ("merged", None, 1)],
    ]
    found = await session.scalars(select(Event).where(Event.kind == "merged").order_by(Event.id))
    assert [(e.actor_id, e.from_value, e.to_value) for e in found] == [
        (owner.user_id, "U100", NUMBER)
    ] * 2


async def test_of_two_own_numbers_the_one_left_behind_stays_with_its_deals(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = actor_of(await add_user(session, 1, "owner", clock), "en")
    await phone_customer(session, clock, name="Lead", phone=NUMBER)
    # Customer 2 has an own number and two deals: one giving the lead's number, one none.
    customer, first = await phone_customer(session, clock, name="Rauf", phone=OTHER_NUMBER)
    first.phone = NUMBER
    await session.commit()
    await phone_customer(session, clock, name="spare")
    second = await session.get_one(Deal, 3)
    second.customer_id = customer.id
    await session.commit()
    await merge.merge(session, owner, 2, 1, 1, clock.now())
    rows = await snapshot(session)
    assert rows[0][0] == (1, "Lead", NUMBER, None, None)
    assert [(d[0], d[1], d[3]) for d in rows[1]] == [
        (1, 1, None),
        (2, 1, NUMBER),
        (3, 1, OTHER_NUMBER),
    ]
