"""Renewal reminders at 30, 7 and 1 days before the end, at 10:00 company time, each once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import contracts
from services.clock import ManualClock
from services.db.contracts import ContractReminder
from services.db.deals import Deal
from services.errors import AccessDenied, InvalidInput
from services.renewals import renewal_sweep
from tests.support.seed import actor, deal_for, person, queued

BAKU = ZoneInfo("Asia/Baku")
BERLIN = ZoneInfo("Europe/Berlin")
OFFSETS = [30, 7, 1]


async def sweep_until(
    session: AsyncSession, clock: ManualClock, zone: ZoneInfo, until: datetime
) -> list[datetime]:
    """Sweep every 15 minutes until `until`; returns when reminders went out."""
    sent = []
    while clock.now() < until:
        clock.advance(timedelta(minutes=15))
        if await renewal_sweep(session, clock.now(), zone, OFFSETS):
            sent.append(clock.now())
    return sent


async def test_each_offset_reminds_once_at_ten_in_the_company_zone(
    session: AsyncSession, clock: ManualClock
) -> None:
    anna = await person(session, 200, "manager", clock, "Anna")
    deal = await deal_for(session, anna, clock)
    contract = await contracts.set_contract(
        session, actor(anna), deal.id, "A-17", date(2025, 4, 1), date(2026, 4, 15), clock.now()
    )
    sent = await sweep_until(session, clock, BAKU, datetime(2026, 4, 16, tzinfo=UTC))
    # 10:00 in Baku is 06:00 UTC; sweeps run every 15 minutes.
    assert sent == [
        datetime(2026, 3, 16, 6, 0, tzinfo=UTC),
        datetime(2026, 4, 8, 6, 0, tzinfo=UTC),
        datetime(2026, 4, 14, 6, 0, tzinfo=UTC),
    ]
    payload = {"contract_id": contract.contract_id, "ends_on": "2026-04-15"}
    assert await queued(session) == [(200, "renewal_due", payload)] * 3


async def test_berlin_reminders_stay_at_ten_across_the_march_change(
    session: AsyncSession, clock: ManualClock
) -> None:
    anna = await person(session, 200, "manager", clock)
    deal = await deal_for(session, anna, clock)
    # Ends 5 April: 7 days before is 29 March, the day clocks go forward.
    await contracts.set_contract(
        session, actor(anna), deal.id, "B-1", date(2025, 4, 1), date(2026, 4, 5), clock.now()
    )
    sent = await sweep_until(session, clock, BERLIN, datetime(2026, 4, 5, tzinfo=UTC))
    assert sent == [
        datetime(2026, 3, 6, 9, 0, tzinfo=UTC),  # 10:00 CET
        datetime(2026, 3, 29, 8, 0, tzinfo=UTC),  # 10:00 CEST, the first day of summer time
        datetime(2026, 4, 4, 8, 0, tzinfo=UTC),
    ]


async def test_after_downtime_only_the_latest_passed_reminder_goes(
    session: AsyncSession, clock: ManualClock
) -> None:
    anna = await person(session, 200, "manager", clock)
    deal = await deal_for(session, anna, clock)
    contract = await contracts.set_contract(
        session, actor(anna), deal.id, "C-3", date(2025, 4, 1), date(2026, 3, 10), clock.now()
    )
    # Made 8 days before the end: the 30-day moment has passed, the 7-day one has not.
    assert await renewal_sweep(session, clock.now(), BAKU, OFFSETS) == 1
    clock.advance(timedelta(days=7, hours=1))  # 9 March 10:00 Baku: both 7 and 1 day passed
    assert await renewal_sweep(session, clock.now(), BAKU, OFFSETS) == 1
    assert await renewal_sweep(session, clock.now(), BAKU, OFFSETS) == 0
    keys = await session.scalars(select(ContractReminder.key).order_by(ContractReminder.id))
    assert list(keys) == ["2026-03-10:d30", "2026-03-10:d7", "2026-03-10:d1"]
    assert len(await queued(session)) == 2
    # A new end date is a new term with its own reminders.
    await contracts.set_contract(
        session, actor(anna), deal.id, "C-3", date(2025, 4, 1), date(2026, 3, 20), clock.now()
    )
    clock.advance(timedelta(days=1))
    assert await renewal_sweep(session, clock.now(), BAKU, OFFSETS) == 1
    assert (
        contract.contract_id == (await contracts.view(session, contract.contract_id)).contract_id
    )


async def test_snooze_renew_and_not_renewing(session: AsyncSession, clock: ManualClock) -> None:
    owner = await person(session, 1, "owner", clock)
    anna = await person(session, 200, "manager", clock)
    bako = await person(session, 201, "manager", clock)
    deal = await deal_for(session, anna, clock)
    contract = await contracts.set_contract(
        session, None, deal.id, "D-4", date(2025, 4, 1), date(2026, 3, 20), clock.now()
    )
    assert await renewal_sweep(session, clock.now(), BAKU, OFFSETS) == 1
    until = clock.now() + timedelta(days=1)
    await contracts.snooze(session, actor(anna), contract.contract_id, until, clock.now())
    clock.advance(timedelta(hours=23))
    assert await renewal_sweep(session, clock.now(), BAKU, OFFSETS) == 0
    clock.advance(timedelta(hours=1))
    assert await renewal_sweep(session, clock.now(), BAKU, OFFSETS) == 1

    with pytest.raises(AccessDenied):
        await contracts.renew(session, actor(bako), contract.contract_id, clock.now())
    renewed = await contracts.renew(session, actor(owner), contract.contract_id, clock.now())
    assert renewed.status == "renewed"
    new_deal = await session.get_one(Deal, renewed.renewal_deal_id)
    assert (new_deal.customer_id, new_deal.manager_id, new_deal.source) == (
        deal.customer_id,
        anna.id,
        "manual",
    )
    # The owner renewed it, so the manager is given the new deal's card.
    assert (await queued(session))[-1] == (200, "deal_card", {"deal_id": new_deal.id})
    with pytest.raises(InvalidInput) as settled:
        await contracts.not_renewing(session, actor(anna), contract.contract_id, "x", clock.now())
    assert settled.value.code == "contract_settled"
    clock.advance(timedelta(days=10))
    assert await renewal_sweep(session, clock.now(), BAKU, OFFSETS) == 0

    other = await deal_for(session, anna, clock, phone="+994501234568")
    second = await contracts.set_contract(
        session, actor(anna), other.id, "E-5", date(2025, 4, 1), date(2026, 6, 1), clock.now()
    )
    dropped = await contracts.not_renewing(
        session, actor(anna), second.contract_id, "  moved   abroad ", clock.now()
    )
    assert (dropped.status, dropped.reason) == ("not_renewing", "moved abroad")


async def test_contract_input_is_checked(session: AsyncSession, clock: ManualClock) -> None:
    anna = await person(session, 200, "manager", clock)
    deal = await deal_for(session, anna, clock)
    assert contracts.parse_typed("A 17 01.01.2026 2026-12-31") == (
        "A 17",
        date(2026, 1, 1),
        date(2026, 12, 31),
    )
    for typed, code in (
        ("A-17 01.01.2026", "contract_text"),
        ("A-17 01.01.2026 31.02.2026", "contract_date"),
        ("A-17 2026/01/01 31.12.2026", "contract_date"),
    ):
        with pytest.raises(InvalidInput) as refused:
            contracts.parse_typed(typed)
        assert refused.value.code == code
    with pytest.raises(InvalidInput) as backwards:
        await contracts.set_contract(
            session, actor(anna), deal.id, "A", date(2026, 2, 1), date(2026, 1, 1), clock.now()
        )
    assert backwards.value.code == "contract_dates"
    count = await session.scalar(select(func.count()).select_from(ContractReminder))
    assert count == 0


async def test_upcoming_lists_sixty_days_mine_or_all(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = await person(session, 1, "owner", clock)
    anna = await person(session, 200, "manager", clock)
    bako = await person(session, 201, "manager", clock)
    today = date(2026, 3, 2)
    made = []
    for n, (manager, ends) in enumerate(
        [(anna, 10), (bako, 5), (anna, 60), (anna, 61), (anna, -1)], start=1
    ):
        deal = await deal_for(session, manager, clock, phone=f"+99450123450{n}")
        made.append(
            await contracts.set_contract(
                session,
                None,
                deal.id,
                f"N{n}",
                date(2025, 1, 1),
                today + timedelta(days=ends),
                clock.now(),
            )
        )
    assert [c.number for c in await contracts.upcoming(session, actor(owner), today)] == [
        "N2",
        "N1",
        "N3",
    ]
    assert [c.number for c in await contracts.upcoming(session, actor(anna), today)] == [
        "N1",
        "N3",
    ]
