"""Who gets a request, by each strategy the owner can choose, within working hours and
capacity; an owner, told why, when no manager can."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import assignment_rule, team
from services.access import actor_of
from services.assignment import (
    AT_CAPACITY,
    BY_LANGUAGE,
    BY_LEVEL,
    BY_TAG,
    CLOSED,
    FEWEST_OPEN,
    NOBODY_ON_DUTY,
    OFF_HOURS,
    Wanted,
    WorkingHours,
    pick_assignee,
    pick_assignees,
)
from services.clock import ManualClock
from services.content import Content
from services.db.deals import Deal
from services.db.outbox import Outbox
from services.db.users import User
from services.errors import AccessDenied, InvalidInput
from services.intake import submit_request
from services.reports import settings as report_settings
from services.reports.worktime import parse_schedule
from tests.support.db import PG_URL, START
from tests.support.seed import add_user

# The suite's clock starts on Monday 2026-03-02 at 09:00 UTC.
HOURS = WorkingHours(parse_schedule("mon-fri 09:00-18:00"), ZoneInfo("UTC"))


async def _owner(session: AsyncSession, clock: ManualClock) -> User:
    return await add_user(session, 1, "owner", clock)


async def _choose(session: AsyncSession, owner: User, strategy: str) -> None:
    await assignment_rule.set_strategy(session, actor_of(owner, "en"), strategy, START)


async def _picked(session: AsyncSession, wanted: list[Wanted], clock: ManualClock) -> list[int]:
    picks = await pick_assignees(session, wanted, clock.now(), hours=HOURS)
    return [pick.user.id if pick.user else 0 for pick in picks]


async def _open_deals(session: AsyncSession, manager: User, n: int, clock: ManualClock) -> None:
    customer = await add_user(session, 900 + manager.id * 10 + n, "customer", clock)
    for _ in range(n):
        await submit_request(session, actor_of(customer, "en"), Content("x"), None, clock.now())
        deal = await session.scalar(select(Deal).order_by(Deal.id.desc()).limit(1))
        assert deal is not None
        deal.manager_id = manager.id
    await session.commit()


async def test_round_robin_is_the_default_and_shares_a_batch_in_turn(
    session: AsyncSession, clock: ManualClock
) -> None:
    a = await add_user(session, 10, "manager", clock)
    b = await add_user(session, 11, "manager", clock)
    assert await _picked(session, [Wanted()] * 3, clock) == [a.id, b.id, a.id]
    assert await _picked(session, [Wanted()], clock) == [b.id]


@pytest.mark.skipif(not PG_URL, reason="other workers' assignments are PostgreSQL's row locks")
async def test_a_batch_meeting_managers_other_workers_assign_goes_on_in_turn(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    """Another worker is assigning requests to three of four managers: this worker's batch of
    three goes first to the one free, then on in turn, not all to the one free."""
    async with sessions() as session:
        a, b, c, d = [await add_user(session, tg_id, "manager", clock) for tg_id in range(10, 14)]
    async with sessions() as other, sessions() as session:
        await other.execute(select(User).where(User.id.in_([a.id, b.id, c.id])).with_for_update())
        assert await _picked(session, [Wanted()] * 3, clock) == [d.id, a.id, b.id]


async def test_fewest_open_skips_managers_at_capacity_and_breaks_ties_by_waiting(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = await _owner(session, clock)
    a = await add_user(session, 10, "manager", clock)
    b = await add_user(session, 11, "manager", clock)
    c = await add_user(session, 12, "manager", clock)
    await _open_deals(session, a, 2, clock)
    await _open_deals(session, c, 1, clock)
    c.capacity = 1
    await session.commit()
    await _choose(session, owner, FEWEST_OPEN)
    # b has none; then a tie at one (a has two): b again, as c is full.
    assert await _picked(session, [Wanted()] * 3, clock) == [b.id, b.id, a.id]


async def test_by_level_sends_large_amounts_to_the_highest_level_on_duty(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = await _owner(session, clock)
    junior = await add_user(session, 10, "manager", clock)
    senior = await add_user(session, 11, "manager", clock)
    boss = await add_user(session, 12, "manager", clock)
    senior.level, boss.level, boss.on_duty = 3, 5, False
    await session.commit()
    await _choose(session, owner, BY_LEVEL)
    await assignment_rule.set_level_from(
        session, actor_of(owner, "en"), Decimal(5000), clock.now()
    )
    big, small = Wanted(amount=Decimal(5000)), Wanted(amount=Decimal("4999.99"))
    assert await _picked(session, [big, big, small, small], clock) == [
        senior.id,
        senior.id,
        junior.id,
        senior.id,
    ]


async def test_by_language_prefers_managers_serving_the_customers_language(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = await _owner(session, clock)
    english = await add_user(session, 10, "manager", clock)
    russian = await add_user(session, 11, "manager", clock)
    english.languages, russian.languages = "en", "az ru"
    await session.commit()
    await _choose(session, owner, BY_LANGUAGE)
    wanted = [Wanted(language="ru"), Wanted(language="ru"), Wanted(language="en")]
    assert await _picked(session, wanted, clock) == [russian.id, russian.id, english.id]
    # Nobody serves it: anyone in turn.
    english.languages = russian.languages = "az"
    await session.commit()
    assert len(set(await _picked(session, [Wanted(language="en")] * 2, clock))) == 2


async def test_by_language_finds_a_reassigned_deals_customer_language(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = await _owner(session, clock)
    english = await add_user(session, 10, "manager", clock)
    russian = await add_user(session, 11, "manager", clock)
    english.languages, russian.languages = "en", "ru"
    customer = await add_user(session, 100, "customer", clock)
    customer.language = "ru"
    await session.commit()
    await submit_request(session, actor_of(customer, "ru"), Content("x"), None, clock.now())
    deal = await session.scalar(select(Deal))
    assert deal is not None
    await _choose(session, owner, BY_LANGUAGE)
    wanted = Wanted(customer_id=deal.customer_id)
    for _ in range(2):
        assert (await pick_assignee(session, clock.now(), wanted=wanted)).user is russian


async def test_by_tag_matches_the_source_or_the_chosen_tag(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = await _owner(session, clock)
    web = await add_user(session, 10, "manager", clock)
    vip = await add_user(session, 11, "manager", clock)
    other = await add_user(session, 12, "manager", clock)
    web.tags, vip.tags = "web", "vip phone"
    await session.commit()
    await _choose(session, owner, BY_TAG)
    picked = await _picked(session, [Wanted("web"), Wanted("phone"), Wanted("web")], clock)
    assert picked == [web.id, vip.id, web.id]
    await assignment_rule.set_tag(session, actor_of(owner, "en"), "#VIP", clock.now())
    assert await _picked(session, [Wanted("telegram")] * 2, clock) == [vip.id, vip.id]
    assert other.last_assigned_at is None


async def test_outside_working_hours_the_owner_gets_it(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = await _owner(session, clock)
    await add_user(session, 10, "manager", clock)
    clock.advance(timedelta(hours=9))  # Monday 18:00: closed
    pick = await pick_assignee(session, clock.now(), hours=HOURS)
    assert (pick.user, pick.reason) == (owner, CLOSED)
    clock.advance(timedelta(hours=15))  # Tuesday 09:00: open
    assert (await pick_assignee(session, clock.now(), hours=HOURS)).reason is None


async def test_the_owners_own_working_hours_win_over_the_default(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = await _owner(session, clock)
    await add_user(session, 10, "manager", clock)
    defaults = report_settings.OwnerSettings(True, True, 540, 15, HOURS.schedule)
    actor = actor_of(owner, "en")
    await report_settings.set_hours(session, actor, defaults, 10 * 60, 18 * 60, clock.now())
    assert (await pick_assignee(session, clock.now(), hours=HOURS)).reason == CLOSED


async def test_a_manager_with_hours_of_their_own_gets_requests_only_within_them(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = await _owner(session, clock)
    olga = actor_of(owner, "en")
    evening = await add_user(session, 10, "manager", clock)
    day = await add_user(session, 11, "manager", clock)
    # The evening manager works 14:00-22:00, Monday to Sunday; the other the company's hours.
    await team.set_hours(session, olga, evening.id, 14 * 60, 22 * 60)
    assert await _picked(session, [Wanted()] * 2, clock) == [day.id, day.id]  # Monday 09:00
    clock.advance(timedelta(hours=6))  # 15:00: both
    assert sorted(await _picked(session, [Wanted()] * 2, clock)) == [evening.id, day.id]
    clock.advance(timedelta(hours=4))  # 19:00: the company is closed, the evening is not
    assert await _picked(session, [Wanted()], clock) == [evening.id]
    clock.advance(timedelta(hours=3))  # 22:00: nobody
    pick = await pick_assignee(session, clock.now(), hours=HOURS)
    assert (pick.user, pick.reason) == (owner, CLOSED)
    # Tuesday 10:00, the day manager off duty: the evening one is not in their hours.
    clock.advance(timedelta(hours=12))
    day.on_duty = False
    await session.commit()
    pick = await pick_assignee(session, clock.now(), hours=HOURS)
    assert (pick.user, pick.reason) == (owner, OFF_HOURS)
    # Back to the company's hours: the evening manager is one of the day's again.
    await team.company_hours_for(session, olga, evening.id)
    assert await _picked(session, [Wanted()], clock) == [evening.id]


async def test_a_managers_days_are_switched_and_the_last_one_is_kept(
    session: AsyncSession, clock: ManualClock
) -> None:
    olga = actor_of(await _owner(session, clock), "en")
    anna = await add_user(session, 10, "manager", clock)
    # From the company's days (here every day), Monday off.
    await team.toggle_day(session, olga, anna.id, 0)
    assert (anna.work_days, anna.work_start, anna.work_end) == (0b1111110, 0, 24 * 60)
    assert (await pick_assignee(session, clock.now(), hours=HOURS)).reason == OFF_HOURS
    for weekday in range(1, 7):
        await team.toggle_day(session, olga, anna.id, weekday)
    assert anna.work_days == 0b1000000  # Sunday stays: the last day is not taken away
    await team.set_hours(session, olga, anna.id, 8 * 60, 12 * 60)
    assert (anna.work_days, anna.work_start, anna.work_end) == (0b1000000, 480, 720)
    for bad in (-1, 7):
        with pytest.raises(InvalidInput):
            await team.toggle_day(session, olga, anna.id, bad)
    with pytest.raises(AccessDenied):
        await team.set_hours(session, actor_of(anna, "en"), anna.id, 0, 60)


async def test_when_everyone_is_at_capacity_the_owner_gets_it(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = await _owner(session, clock)
    a = await add_user(session, 10, "manager", clock)
    a.capacity = 2
    await _open_deals(session, a, 1, clock)
    picks = await pick_assignees(session, [Wanted()] * 2, clock.now(), hours=HOURS)
    assert [(p.user, p.reason) for p in picks] == [(a, None), (owner, AT_CAPACITY)]
    a.capacity = 1
    await session.commit()
    pick = await pick_assignee(session, clock.now(), hours=HOURS)
    assert (pick.user, pick.reason) == (owner, AT_CAPACITY)


async def test_nobody_on_duty_queues_a_notice_for_every_owner(
    session: AsyncSession, clock: ManualClock
) -> None:
    first = await _owner(session, clock)
    second = await add_user(session, 2, "owner", clock)
    off = await add_user(session, 10, "manager", clock)
    off.on_duty = False
    customer = await add_user(session, 100, "customer", clock)
    await submit_request(session, actor_of(customer, "en"), Content("x"), None, clock.now())
    deal = await session.scalar(select(Deal))
    assert deal is not None and deal.manager_id == first.id
    rows = list(await session.scalars(select(Outbox).where(Outbox.kind == "no_manager")))
    assert sorted((row.chat_id, row.payload["reason"]) for row in rows) == [
        (first.tg_id, NOBODY_ON_DUTY),
        (second.tg_id, NOBODY_ON_DUTY),
    ]
    assert rows[0].payload["deal_id"] == deal.id


async def test_an_owner_working_alone_gets_requests_without_a_notice(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = await _owner(session, clock)
    customer = await add_user(session, 100, "customer", clock)
    await submit_request(session, actor_of(customer, "en"), Content("x"), None, clock.now())
    deal = await session.scalar(select(Deal))
    assert deal is not None and deal.manager_id == owner.id
    assert list(await session.scalars(select(Outbox).where(Outbox.kind == "no_manager"))) == []


async def test_only_owners_change_the_rule_and_managers(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = await _owner(session, clock)
    manager = await add_user(session, 10, "manager", clock)
    as_manager = actor_of(manager, "en")
    with pytest.raises(AccessDenied):
        await assignment_rule.set_strategy(session, as_manager, FEWEST_OPEN, clock.now())
    with pytest.raises(AccessDenied):
        await team.set_level(session, as_manager, manager.id, 9)
    with pytest.raises(AccessDenied):
        await team.set_capacity(session, as_manager, manager.id, 1)
    with pytest.raises(AccessDenied):
        await team.toggle_language(session, as_manager, manager.id, "en")
    with pytest.raises(AccessDenied):
        await team.set_tags(session, as_manager, manager.id, "vip")
    as_owner = actor_of(owner, "en")
    with pytest.raises(InvalidInput):
        await assignment_rule.set_strategy(session, as_owner, "random", clock.now())
    with pytest.raises(InvalidInput):
        await team.set_level(session, as_owner, manager.id, 10)
    with pytest.raises(InvalidInput):
        await team.set_tags(session, as_owner, manager.id, "a b c d e f g")
    await session.refresh(manager)
    assert (manager.level, manager.capacity, manager.languages, manager.tags) == (
        1,
        None,
        "en az ru",
        "",
    )


async def test_a_manager_keeps_at_least_one_language(
    session: AsyncSession, clock: ManualClock
) -> None:
    as_owner = actor_of(await _owner(session, clock), "en")
    manager = await add_user(session, 10, "manager", clock)
    for code in ("en", "az", "ru"):
        await team.toggle_language(session, as_owner, manager.id, code)
    assert manager.languages == "ru"
    await team.set_tags(session, as_owner, manager.id, "#VIP, web vip")
    assert manager.tags == "vip web"
