"""Finding customers by a part of the name in any alphabet and case, by digits of any of
their phones and by a request's number; who sees whom; and what joining two records keeps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import (
    customer_edits,
    customer_phones,
    customer_search,
    customer_tags,
    customer_views,
    customers,
)
from services.clock import ManualClock
from services.customer_search import Activity, Filters
from services.db.customers import Customer, CustomerPhone
from services.db.deals import Event
from services.errors import AccessDenied, NotFound
from tests.support.seed import actor, deal_for, person


async def names(session: AsyncSession, who: object, text: str) -> list[str]:
    found = await customer_search.find(session, who, text)  # type: ignore[arg-type]
    return [row.name for row in found.rows]


async def test_names_in_any_case_and_alphabet_phones_and_numbers(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = actor(await person(session, 1, "owner", clock))
    anna = await person(session, 10, "manager", clock)
    await deal_for(session, anna, clock, "İlkin Məmmədov", "+994501234567")
    await deal_for(session, anna, clock, "Ольга Иванова", None)
    third = await deal_for(session, anna, clock, "Leyla Quliyeva", "+994557654321")
    mine = actor(anna)
    await customer_phones.add_phone(
        session, mine, third.customer_id, 1, "070 111 22 33", "AZ", clock.now()
    )
    assert await names(session, owner, "ılkın") == ["İlkin Məmmədov"]
    assert await names(session, owner, "MƏMMƏD") == ["İlkin Məmmədov"]
    assert await names(session, owner, "ивАН") == ["Ольга Иванова"]
    assert await names(session, owner, "L") == ["İlkin Məmmədov", "Leyla Quliyeva"]
    assert await names(session, owner, "050 123") == ["İlkin Məmmədov"]
    # Two digits are left of these: an own number and a typed one.
    assert await names(session, owner, "050") == ["İlkin Məmmədov"]
    assert await names(session, owner, "070") == ["Leyla Quliyeva"]
    assert await names(session, owner, "1122") == ["Leyla Quliyeva"]
    assert await names(session, owner, "#2") == ["Ольга Иванова"]
    assert await names(session, owner, "12") == []
    assert await names(session, owner, "  ") == []
    assert await names(session, owner, "50%") == []


async def test_a_manager_finds_the_customers_of_their_own_requests(
    session: AsyncSession, clock: ManualClock
) -> None:
    anna = await person(session, 10, "manager", clock)
    bako = await person(session, 11, "manager", clock)
    first = await deal_for(session, anna, clock, "Leyla")
    await deal_for(session, bako, clock, "Leyli", None)
    await deal_for(session, bako, clock, customer_id=first.customer_id)
    assert await names(session, actor(anna), "ley") == ["Leyla"]
    assert await names(session, actor(bako), "ley") == ["Leyla", "Leyli"]
    assert await names(session, actor(bako), "#2") == ["Leyli"]
    assert await names(session, actor(anna), "#2") == []
    shown = await customer_search.customers(session, actor(anna), 0, Filters(), clock.now())
    assert [row.name for row in shown.rows] == ["Leyla"]


async def test_activity_filter_counts_from_the_latest_request(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = actor(await person(session, 1, "owner", clock))
    await deal_for(session, None, clock, "Old", None)
    clock.advance(timedelta(days=40))
    await deal_for(session, None, clock, "New", None)
    clock.advance(timedelta(days=3))

    async def listed(activity: Activity) -> list[str]:
        filters = Filters(activity=activity)
        shown = await customer_search.customers(session, owner, 0, filters, clock.now())
        return [row.name for row in shown.rows]

    assert await listed(Activity.ANY) == ["New", "Old"]
    assert await listed(Activity.WEEK) == ["New"]
    assert await listed(Activity.MONTH) == ["New"]
    assert await listed(Activity.IDLE) == ["Old"]


async def test_joined_records_keep_phones_tags_details_and_history_once(
    session: AsyncSession, clock: ManualClock
) -> None:
    anna = await person(session, 10, "manager", clock)
    mine = actor(anna)
    one = await deal_for(session, anna, clock, "Leyla", "+994501234567")
    two = await deal_for(session, anna, clock, "", None)
    for customer_id in (one.customer_id, two.customer_id):
        await customer_tags.add_tags(session, mine, customer_id, 1, "vip", clock.now())
    await customer_phones.add_phone(
        session, mine, two.customer_id, 2, "+994557654321", "AZ", clock.now()
    )
    await customer_phones.make_main(session, mine, two.customer_id, 3, 1, clock.now())
    await customer_edits.set_detail(
        session, mine, two.customer_id, 4, customer_edits.Detail.COMPANY, "Sun", clock.now()
    )
    into = await session.get_one(Customer, one.customer_id)
    other = await session.get_one(Customer, two.customer_id)
    await customers.join(session, into=into, other=other, actor_id=anna.id, now=clock.now())
    await session.commit()
    assert (into.company, into.name) == ("Sun", "Leyla")
    phones = await session.execute(select(CustomerPhone.customer_id, CustomerPhone.main))
    assert phones.all() == [(one.customer_id, False)]
    events = await session.scalars(select(Event.customer_id).where(Event.customer_id.is_not(None)))
    assert set(events) == {one.customer_id}
    tags = await customer_search.offered_tags(session, mine)
    assert [name for _, name in tags] == ["vip"]


async def test_a_name_written_in_one_statement_is_searchable(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = actor(await person(session, 1, "owner", clock))
    user = await person(session, 100, "customer", clock, "İLKİN")
    [made] = await customers.customers_for_users(session, [user], clock.now())
    await session.commit()
    assert made.name_key == "ilkin"
    await deal_for(session, None, clock, customer_id=made.id)
    assert await names(session, owner, "ilk") == ["İLKİN"]


async def test_the_own_number_is_main_until_another_is_marked(
    session: AsyncSession, clock: ManualClock
) -> None:
    anna = actor(await person(session, 10, "manager", clock))
    deal = await deal_for(session, None, clock, "Leyla", "+994501234567")
    owner = actor(await person(session, 1, "owner", clock))
    cid = deal.customer_id
    await customer_phones.add_phone(session, owner, cid, 1, "055 765 43 21", "AZ", clock.now())

    async def phones() -> list[tuple[int, str, bool]]:
        card = await customer_views.card(session, owner, cid)
        return [(p.phone_id, p.phone, p.main) for p in card.phones]

    assert await phones() == [(0, "+994501234567", True), (1, "+994557654321", False)]
    await customer_phones.make_main(session, owner, cid, 2, 1, clock.now())
    assert await phones() == [(0, "+994501234567", False), (1, "+994557654321", True)]
    await customer_phones.make_main(session, owner, cid, 3, 0, clock.now())
    assert await phones() == [(0, "+994501234567", True), (1, "+994557654321", False)]
    with pytest.raises(NotFound):
        await customer_phones.remove_phone(session, owner, cid, 4, 0, clock.now())
    with pytest.raises(AccessDenied):
        await customer_views.card(session, anna, cid)
