"""Pipeline services: amounts, optimistic concurrency, authorisation and customer notices."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import pipeline, stages
from services.access import Actor, actor_of
from services.amounts import parse_amount
from services.clock import ManualClock
from services.db.customers import Customer
from services.db.deals import Deal, Event
from services.db.outbox import Outbox
from services.db.users import User
from services.errors import AccessDenied, InvalidInput, NotFound
from services.pipeline import StaleCard
from tests.support.seed import add_user, setup_deal
from tests.support.workers import other_worker


@pytest.mark.parametrize(
    ("text", "locale", "value"),
    [
        ("1500", "en", "1500.00"),
        ("1500", "az", "1500.00"),
        ("1500", "ru", "1500.00"),
        ("1 500,50", "az", "1500.50"),
        ("1 500,50", "ru", "1500.50"),
        ("1\u00a0500,50", "ru", "1500.50"),
        ("1.500,50", "az", "1500.50"),
        ("1,500.50", "en", "1500.50"),
        ("  0 ", "en", "0.00"),
        ("999 999 999 999,99", "ru", "999999999999.99"),
    ],
)
def test_amounts_are_read_in_the_readers_locale(text: str, locale: str, value: str) -> None:
    assert parse_amount(text, locale) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "locale", "code"),
    [
        ("1 500,50", "en", "amount"),
        ("1,500.50", "ru", "amount"),
        ("1,500.50", "az", "amount"),
        ("1,5,0", "en", "amount"),
        ("1500.555", "en", "amount"),
        ("1e5", "en", "amount"),
        ("NaN", "en", "amount"),
        ("1500 AZN", "en", "amount"),
        ("+1500", "en", "amount"),
        ("", "en", "amount"),
        ("1 000 000 000 000", "ru", "amount"),
        ("-1500", "en", "negative_amount"),
        ("−1 500,50", "ru", "negative_amount"),
    ],
)
def test_other_amounts_are_refused(text: str, locale: str, code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_amount(text, locale)
    assert refused.value.code == code


async def test_two_presses_at_once_advance_the_stage_once(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions() as session:
        manager, owner, _ = await setup_deal(session, clock)

    async def press(actor: Actor) -> str:
        async with sessions() as session:
            try:
                await pipeline.move(session, actor, 1, 1, None, clock.now())
            except StaleCard as stale:
                assert stale.card.stage_id == 2
                return "stale"
            return "moved"

    results = await asyncio.gather(press(manager), press(owner), press(manager))
    assert sorted(results) == ["moved", "stale", "stale"]
    async with sessions() as session:
        deal = await session.get_one(Deal, 1)
        moves = await session.scalar(
            select(func.count()).select_from(Event).where(Event.kind == "stage")
        )
        notices = await session.scalar(select(func.count()).select_from(Outbox))
    assert (deal.stage_id, deal.version, moves) == (2, 2, 1)
    # The customer's confirmation and the manager's card at intake, one notice for Contacted.
    assert notices == 3


async def test_the_update_itself_refuses_a_version_changed_after_reading(
    database_url: str, sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    """Another worker's change lands between this worker's read and its update."""
    async with sessions() as first, other_worker(database_url) as second:
        manager, owner, _ = await setup_deal(first, clock)
        early = await second.get_one(Deal, 1)
        assert early.version == 1
        await pipeline.set_amount(first, owner, 1, 1, "100", clock.now())
        with pytest.raises(StaleCard) as stale:
            await pipeline.set_amount(second, manager, 1, 1, "200", clock.now())
        assert stale.value.card.amount == Decimal("100.00")
        assert stale.value.card.version == 2
    async with sessions() as session:
        amounts = list(await session.scalars(select(Event.to_value).where(Event.kind == "amount")))
    assert amounts == ["100.00"]


async def test_only_the_deals_manager_or_an_owner_may_act(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, owner, customer = await setup_deal(session, clock)
    other = actor_of(await add_user(session, 11, "manager", clock), "en")
    for intruder in (customer, other):
        with pytest.raises(AccessDenied):
            await pipeline.move(session, intruder, 1, 1, None, clock.now())
        with pytest.raises(AccessDenied):
            await pipeline.set_amount(session, intruder, 1, 1, "not even a number", clock.now())
    with pytest.raises(AccessDenied):
        await pipeline.reopen(session, manager, 1, 1, clock.now())
    card = await pipeline.move(session, owner, 1, 1, 3, clock.now())
    assert (card.stage_id, card.version) == (3, 2)


async def test_reopen_returns_to_the_stage_before_closing_or_the_first_open_one(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    await pipeline.move(session, manager, 1, 1, 3, clock.now())
    lost = await pipeline.lose(session, manager, 1, 2, "no_answer", clock.now())
    assert (lost.stage_kind, lost.lost_reason, lost.next_stage) == ("lost", "no_answer", None)
    with pytest.raises(InvalidInput):
        await pipeline.add_note(session, manager, 1, 3, "   ", clock.now())
    reopened = await pipeline.reopen(session, owner, 1, 3, clock.now())
    assert (reopened.stage_id, reopened.closed_at, reopened.lost_reason) == (3, None, None)

    won = await pipeline.move(session, owner, 1, 4, 5, clock.now())
    assert won.closed_at == clock.now()
    # Won came from Proposal, which the owner then deletes.
    moved, _ = await stages.delete(session, owner, 3, 2, clock.now())
    assert moved == 0
    with pytest.raises(InvalidInput):
        await pipeline.move(session, owner, 1, 5, 2, clock.now())
    card = await pipeline.reopen(session, owner, 1, 5, clock.now())
    assert card.stage_id == 1


async def test_hand_over_only_to_active_staff(session: AsyncSession, clock: ManualClock) -> None:
    manager, owner, customer = await setup_deal(session, clock)
    gone = await add_user(session, 11, "manager", clock)
    gone.is_active = False
    blocked = await add_user(session, 12, "manager", clock)
    blocked.blocked = True
    fine = await add_user(session, 13, "manager", clock)
    await session.commit()
    _, people = await pipeline.handover_choices(session, manager, 1, 1)
    assert people == [(owner.user_id, "U1"), (fine.id, "U13")]
    for target in (gone.id, blocked.id, customer.user_id, 999):
        with pytest.raises(NotFound):
            await pipeline.reassign(session, manager, 1, 1, target, clock.now())
    with pytest.raises(InvalidInput):
        await pipeline.reassign(session, owner, 1, 1, manager.user_id, clock.now())
    handed = await pipeline.reassign(session, manager, 1, 1, fine.id, clock.now())
    assert (handed.manager_id, handed.taken_at) == (fine.id, None)
    kinds = list(await session.scalars(select(Outbox.kind).order_by(Outbox.id)))
    # Nobody tells the manager what they did.
    assert kinds == ["confirmation", "deal_card", "deal_card"]


async def test_customers_without_telegram_or_blocked_get_no_notice(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, _, customer = await setup_deal(session, clock)
    (await session.get_one(User, customer.user_id)).blocked = True
    await session.commit()
    await pipeline.move(session, manager, 1, 1, None, clock.now())
    phone_customer = Customer(name="Caller", phone="+994501112233", source="phone")
    phone_customer.created_at = clock.now()
    session.add(phone_customer)
    await session.flush()
    session.add(
        Deal(
            customer_id=phone_customer.id,
            source="phone",
            stage_id=1,
            manager_id=manager.user_id,
            title="",
            created_at=clock.now(),
            last_activity_at=clock.now(),
            version=1,
        )
    )
    await session.commit()
    await pipeline.move(session, manager, 2, 1, 2, clock.now())
    notices = await session.scalar(
        select(func.count()).select_from(Outbox).where(Outbox.kind == "stage_notice")
    )
    assert notices == 0
