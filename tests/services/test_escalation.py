"""Nothing waits unseen: the standard escalation moves a request nobody took or answered to the
next manager after N working minutes and to the owners after 2N, in the history and with
everyone told; it leaves taken and answered requests alone, counts working time only, and
follows what the owner set."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from services import events, team
from services.assignment import WorkingHours
from services.clock import ManualClock
from services.company import session_info
from services.db.deals import Deal, Event
from services.db.engine import session_factory
from services.db.outbox import Outbox
from services.escalation import escalation_sweep
from services.reports.worktime import parse_schedule
from services.rules import standard
from tests.support.seed import actor, add_user, deal_for

SLA = timedelta(minutes=15)
HOURS = WorkingHours(parse_schedule("mon-fri 09:00-18:00"), ZoneInfo("Asia/Baku"))
FRIDAY = datetime(2026, 3, 6, 13, 55, tzinfo=UTC)
DEFAULTS = standard.Defaults(SLA, timedelta(hours=2), (30, 7, 1), timedelta(hours=24))


async def told(session: AsyncSession) -> list[tuple[int, str, dict[str, object]]]:
    rows = await session.scalars(select(Outbox).order_by(Outbox.id))
    return [(row.chat_id, row.kind, row.payload) for row in rows]


async def history(session: AsyncSession, deal_id: int) -> list[tuple[str, str | None, str]]:
    rows = await session.scalars(select(Event).where(Event.deal_id == deal_id).order_by(Event.id))
    return [(e.kind, e.from_value, str(e.to_value)) for e in rows]


async def test_not_taken_goes_to_the_next_manager_then_to_the_owners(
    session: AsyncSession, clock: ManualClock
) -> None:
    olga = await add_user(session, 1, "owner", clock)
    anna = await add_user(session, 10, "manager", clock)
    bob = await add_user(session, 20, "manager", clock)
    deal = await deal_for(session, anna, clock)
    at = clock.now()

    assert await escalation_sweep(session, at + SLA - timedelta(seconds=1), SLA) == 0
    assert await escalation_sweep(session, at + SLA, SLA) == 1
    await session.refresh(deal)
    assert (deal.manager_id, deal.escalated, deal.version) == (bob.id, 1, 2)
    assert await told(session) == [
        (20, "deal_card", {"deal_id": deal.id}),
        (10, "card_redraw", {"deal_id": deal.id}),
        (10, "deal_handed_over", {"deal_id": deal.id, "user_id": bob.id}),
    ]
    assert await escalation_sweep(session, at + 2 * SLA - timedelta(seconds=1), SLA) == 0
    assert await escalation_sweep(session, at + 2 * SLA, SLA) == 1
    await session.refresh(deal)
    assert (deal.manager_id, deal.escalated) == (olga.id, 2)
    assert (await told(session))[3:] == [
        (1, "no_manager", {"deal_id": deal.id, "reason": "not_taken", "user_id": olga.id}),
        (1, "deal_card", {"deal_id": deal.id}),
        (20, "card_redraw", {"deal_id": deal.id}),
        (20, "deal_handed_over", {"deal_id": deal.id, "user_id": olga.id}),
    ]
    assert await escalation_sweep(session, at + 10 * SLA, SLA) == 0
    # A request left untaken for two weeks is not looked at any more.
    late = await deal_for(session, anna, clock, phone="+994501110004")
    assert await escalation_sweep(session, clock.now() + timedelta(days=14), SLA) == 0
    await session.refresh(late)
    assert (late.manager_id, late.escalated) == (anna.id, 0)
    assert await history(session, deal.id) == [
        ("not_taken", None, "15"),
        ("assigned", str(anna.id), str(bob.id)),
        ("not_taken", None, "30"),
        ("assigned", str(bob.id), str(olga.id)),
    ]
    rule = await standard.detail(session, actor(olga), "escalation", DEFAULTS)
    assert (rule.fired, rule.last_run_at) == (2, at + 2 * SLA)


async def test_taken_answered_and_closed_requests_stay_where_they_are(
    session: AsyncSession, clock: ManualClock
) -> None:
    await add_user(session, 1, "owner", clock)
    anna = await add_user(session, 10, "manager", clock)
    await add_user(session, 20, "manager", clock)
    taken = await deal_for(session, anna, clock, phone="+994501110001")
    taken.taken_at = clock.now()
    answered = await deal_for(session, anna, clock, phone="+994501110002")
    events.record(session, answered.id, anna.id, "first_response", clock.now())
    closed = await deal_for(session, anna, clock, phone="+994501110003")
    closed.closed_at = clock.now()
    await session.commit()
    assert await escalation_sweep(session, clock.now() + 3 * SLA, SLA) == 0
    managers = await session.scalars(select(Deal.manager_id).order_by(Deal.id))
    assert list(managers) == [anna.id] * 3
    assert await told(session) == []


async def test_only_working_minutes_count_and_a_late_sweep_catches_up(
    engine: AsyncEngine, clock: ManualClock
) -> None:
    async with session_factory(engine, session_info(HOURS))() as session:
        await add_user(session, 1, "owner", clock)
        anna = await add_user(session, 10, "manager", clock)
        await add_user(session, 20, "manager", clock)
        # Friday 17:55 in Baku: 5 working minutes that day, 10 more on Monday from 09:00.
        clock.advance(FRIDAY - clock.now())
        deal = await deal_for(session, anna, clock)
        saturday = datetime(2026, 3, 7, 8, 0, tzinfo=UTC)
        assert await escalation_sweep(session, saturday, SLA) == 0
        monday = datetime(2026, 3, 9, 5, 9, tzinfo=UTC)  # 09:09 in Baku
        assert await escalation_sweep(session, monday, SLA) == 0
        assert await escalation_sweep(session, monday + timedelta(minutes=1), SLA) == 1
        await session.refresh(deal)
        assert deal.escalated == 1
        # A second request of that Friday, first seen by a sweep Monday at noon: straight to
        # the owners (the first one too, by now).
        clock.advance(FRIDAY - clock.now())
        late = await deal_for(session, anna, clock, phone="+994501110009")
        assert await escalation_sweep(session, datetime(2026, 3, 9, 8, 0, tzinfo=UTC), SLA) == 2
        await session.refresh(late)
        assert late.escalated == 2
        assert [kind for kind, _old, _new in await history(session, late.id)] == [
            "not_taken",
            "assigned",
        ]


async def test_the_owner_changes_the_wait_or_switches_it_off(
    session: AsyncSession, clock: ManualClock
) -> None:
    olga = actor(await add_user(session, 1, "owner", clock))
    anna = await add_user(session, 10, "manager", clock)
    await add_user(session, 20, "manager", clock)
    deal = await deal_for(session, anna, clock)
    at = clock.now()
    await standard.change(session, olga, "escalation", 0, (5,), at, DEFAULTS)
    await standard.switch(session, olga, "escalation", 1, at, DEFAULTS)
    assert await escalation_sweep(session, at + 3 * SLA, SLA) == 0
    await standard.switch(session, olga, "escalation", 2, at, DEFAULTS)
    assert await escalation_sweep(session, at + timedelta(minutes=5), SLA) == 1
    await session.refresh(deal)
    assert deal.escalated == 1


async def test_the_next_manager_is_one_within_their_working_hours(
    session: AsyncSession, clock: ManualClock
) -> None:
    olga = actor(await add_user(session, 1, "owner", clock))
    anna = await add_user(session, 10, "manager", clock)
    bob = await add_user(session, 20, "manager", clock)
    carl = await add_user(session, 30, "manager", clock)
    # Bob works evenings only (and would be next in turn); Carl works the company's hours.
    await team.set_hours(session, olga, bob.id, 18 * 60, 23 * 60)
    deal = await deal_for(session, anna, clock)
    assert await escalation_sweep(session, clock.now() + SLA, SLA) == 1
    await session.refresh(deal)
    assert deal.manager_id == carl.id
