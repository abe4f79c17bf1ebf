from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import outbox
from services.access import actor_of
from services.assignment import pick_assignee
from services.clock import ManualClock
from services.content import Content
from services.customers import customers_for_users, save_phone
from services.db.customers import Customer
from services.db.deals import Deal
from services.db.outbox import Outbox
from services.db.users import User
from services.errors import InvalidInput
from services.intake import submit_request
from services.phones import display_phone, normalize_phone
from tests.support.workers import other_worker


async def add_user(session: AsyncSession, tg_id: int, role: str, clock: ManualClock) -> User:
    user = User(tg_id=tg_id, role=role, first_name=f"U{tg_id}", created_at=clock.now())
    session.add(user)
    await session.commit()
    return user


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+994 50 123 45 67", "+994501234567"),
        ("050-123-45-67", "+994501234567"),
        ("(050) 1234567", "+994501234567"),
        ("+7 912 345-67-89", "+79123456789"),
    ],
)
def test_phone_numbers_normalise_to_e164(raw: str, e164: str) -> None:
    assert normalize_phone(raw, "AZ") == e164


@pytest.mark.parametrize("raw", ["", "hello", "123", "+994 12", "9" * 40])
def test_invalid_phone_numbers_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput):
        normalize_phone(raw, "AZ")


def test_phone_display() -> None:
    assert display_phone("+994501234567") == "+994 50 123 45 67"


async def test_round_robin_skips_off_duty_inactive_and_blocked(
    session: AsyncSession, clock: ManualClock
) -> None:
    a = await add_user(session, 10, "manager", clock)
    b = await add_user(session, 11, "manager", clock)
    off = await add_user(session, 12, "manager", clock)
    off.on_duty = False
    gone = await add_user(session, 13, "manager", clock)
    gone.is_active = False
    blocked = await add_user(session, 14, "manager", clock)
    blocked.blocked = True
    await session.commit()
    picked = []
    for _ in range(4):
        clock.advance(timedelta(seconds=1))
        user = (await pick_assignee(session, clock.now())).user
        assert user is not None
        picked.append(user.id)
    assert picked == [a.id, b.id, a.id, b.id]


async def test_a_manager_busy_with_another_request_still_gets_the_next_one(
    database_url: str, session: AsyncSession, clock: ManualClock
) -> None:
    """Another worker is assigning to the only manager on duty (on PostgreSQL it holds the
    row's lock); a request arriving meanwhile goes to that manager too, not to the owner."""
    await add_user(session, 1, "owner", clock)
    manager = await add_user(session, 10, "manager", clock)
    async with other_worker(database_url) as busy:
        first = await pick_assignee(busy, clock.now())
        second = await pick_assignee(session, clock.now())
        picked = [pick.user.id if pick.user else None for pick in (first, second)]
        await busy.rollback()
    assert picked == [manager.id, manager.id]


async def test_owner_gets_requests_when_no_manager_is_available(
    session: AsyncSession, clock: ManualClock
) -> None:
    assert (await pick_assignee(session, clock.now())).user is None
    owner = await add_user(session, 1, "owner", clock)
    picked = await pick_assignee(session, clock.now())
    assert picked.user is not None and picked.user.id == owner.id
    assert picked.reason is None  # an owner working alone is not told so each time


async def test_an_own_contact_joins_the_record_known_by_that_number(
    session: AsyncSession, clock: ManualClock
) -> None:
    user = await add_user(session, 100, "customer", clock)
    by_phone = Customer(
        name="Caller", phone="+994501234567", source="phone", created_at=clock.now()
    )
    session.add(by_phone)
    await session.flush()
    [first] = await customers_for_users(session, [user], clock.now())
    session.add(
        Deal(
            customer_id=by_phone.id,
            source="phone",
            stage_id=1,
            created_at=clock.now(),
            last_activity_at=clock.now(),
            version=1,
            title="",
        )
    )
    await session.commit()
    assert await save_phone(session, user.id, "+994501234567", clock.now())
    merged = await session.get_one(Customer, first.id)
    assert (await session.scalar(select(func.count()).select_from(Customer))) == 1
    assert (await session.scalar(select(Deal.customer_id))) == first.id
    assert merged.phone == "+994501234567"


async def test_submit_writes_deal_message_and_outbox_in_one_transaction(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager = await add_user(session, 10, "manager", clock)
    customer = await add_user(session, 100, "customer", clock)
    submitted = await submit_request(
        session, actor_of(customer, "en"), Content("Need chairs"), None, clock.now()
    )
    rows = list(await session.scalars(select(Outbox)))
    assert submitted.deal_id == 1 and submitted.manager_name == "U10"
    assert [(r.chat_id, r.kind, r.payload, r.priority) for r in rows] == [
        (customer.tg_id, "confirmation", {"deal_id": 1, "manager": "U10"}, outbox.ANSWER),
        (manager.tg_id, "deal_card", {"deal_id": 1}, outbox.NOTICE),
    ]
    with pytest.raises(InvalidInput):
        await submit_request(session, actor_of(customer, "en"), Content(" "), None, clock.now())
