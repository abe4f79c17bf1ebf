"""Customer records and phone numbers: what links an account to a number, the number a new
request may skip asking for, and the card's hint of another customer with the same number."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import customers, views
from services.access import actor_of
from services.clock import ManualClock
from services.content import Content
from services.db.customers import Customer
from services.db.deals import Deal
from services.intake import submit_request
from tests.support.seed import add_user

NUMBER = "+994501234567"
OTHER = "+994507654321"


async def test_a_request_with_someone_elses_number_leaves_their_record_alone(
    session: AsyncSession, clock: ManualClock
) -> None:
    vusal = await add_user(session, 101, "customer", clock)
    leyla = await add_user(session, 100, "customer", clock)
    assert await customers.save_phone(session, vusal.id, NUMBER, clock.now())
    await submit_request(session, actor_of(vusal, "en"), Content("wardrobe"), NUMBER, clock.now())
    await submit_request(session, actor_of(leyla, "en"), Content("table"), NUMBER, clock.now())
    rows = await session.execute(
        select(Customer.user_id, Customer.phone, Deal.id, Deal.phone)
        .join(Deal, Deal.customer_id == Customer.id)
        .order_by(Deal.id)
    )
    assert rows.all() == [(vusal.id, NUMBER, 1, NUMBER), (leyla.id, None, 2, NUMBER)]


async def test_a_number_of_another_accounts_customer_is_not_taken(
    session: AsyncSession, clock: ManualClock
) -> None:
    vusal = await add_user(session, 101, "customer", clock)
    leyla = await add_user(session, 100, "customer", clock)
    assert await customers.save_phone(session, vusal.id, NUMBER, clock.now())
    assert not await customers.save_phone(session, leyla.id, NUMBER, clock.now())
    rows = await session.execute(select(Customer.user_id, Customer.phone))
    assert rows.all() == [(vusal.id, NUMBER)]
    # Their own again, or a new own number, is theirs.
    assert await customers.save_phone(session, vusal.id, NUMBER, clock.now())
    assert await customers.save_phone(session, vusal.id, OTHER, clock.now())
    assert (await session.execute(select(Customer.user_id, Customer.phone))).all() == [
        (vusal.id, OTHER)
    ]


async def test_the_known_number_is_the_own_one_else_the_latest_given(
    session: AsyncSession, clock: ManualClock
) -> None:
    leyla = await add_user(session, 100, "customer", clock)
    actor = actor_of(leyla, "en")
    assert await customers.known_phone(session, leyla.id) is None
    await submit_request(session, actor, Content("one"), NUMBER, clock.now())
    await submit_request(session, actor, Content("two"), OTHER, clock.now())
    await submit_request(session, actor, Content("three"), None, clock.now())
    assert await customers.known_phone(session, leyla.id) == OTHER
    await customers.save_phone(session, leyla.id, NUMBER, clock.now())
    assert await customers.known_phone(session, leyla.id) == NUMBER


async def test_the_card_names_the_other_customer_who_wrote_last_with_that_number(
    session: AsyncSession, clock: ManualClock
) -> None:
    people = [await add_user(session, 100 + n, "customer", clock) for n in range(4)]
    # 1: own number; 2: gave it with request 2, then wrote request 3 without it;
    # 3: gave another number; 4: gives the number with request 5.
    await customers.save_phone(session, people[0].id, NUMBER, clock.now())
    for person, phone in [
        (people[0], None),
        (people[1], NUMBER),
        (people[1], None),
        (people[2], OTHER),
        (people[3], NUMBER),
    ]:
        await submit_request(session, actor_of(person, "en"), Content("x"), phone, clock.now())
    cards = await views.deal_cards(session, [1, 2, 3, 4, 5])
    seen = {
        deal_id: (card.phone, match.customer_id, match.deal_id)
        if (match := card.match)
        else (card.phone, None)
        for deal_id, card in cards.items()
    }
    assert seen == {
        1: (NUMBER, 4, 5),
        2: (NUMBER, 4, 5),
        3: (None, None),
        4: (OTHER, None),
        5: (NUMBER, 2, 3),
    }
    assert (await views.deal_card(session, 5)).match == cards[5].match
