"""When digests fall due, and that each goes out once per owner and period."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.db.outbox import Outbox
from services.db.reports import ReportSettings, SentDigest
from services.db.users import User
from services.errors import NotFound
from services.reports import digest
from services.reports.periods import Span
from services.reports.settings import OwnerSettings, Sla
from services.reports.worktime import parse_schedule
from tests.support.reports_seed import BAKU, week
from tests.support.workers import other_worker

DEFAULTS = OwnerSettings(True, True, 9 * 60, 15, parse_schedule("mon-fri 09:00-18:00"))
# Monday 2 March 2026 in Baku (UTC+4).
BEFORE_NINE = datetime(2026, 3, 2, 4, 59, tzinfo=UTC)
AT_NINE = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)


async def wanted(session: AsyncSession, now: datetime) -> list[tuple[int, Span, date]]:
    return [(d.user_id, d.span, d.first) for d in await digest.due(session, now, BAKU, DEFAULTS)]


async def test_due_from_digest_time_for_yesterday_and_last_week(session: AsyncSession) -> None:
    await week(session)
    assert await wanted(session, BEFORE_NINE) == []
    assert await wanted(session, AT_NINE) == [
        (1, Span.DAY, date(2026, 3, 1)),
        (1, Span.WEEK, date(2026, 2, 23)),
    ]
    tuesday = AT_NINE + timedelta(days=1)
    assert await wanted(session, tuesday) == [
        (1, Span.DAY, date(2026, 3, 2)),
        (1, Span.WEEK, date(2026, 2, 23)),
    ]


async def test_each_owner_own_time_and_switches(session: AsyncSession) -> None:
    await week(session)
    session.add(
        ReportSettings(
            user_id=1, daily=False, weekly=True, digest_at=10 * 60 + 30, sla_minutes=15,
            work_days=0b11111, work_start=540, work_end=1080, updated_at=AT_NINE,
        )
    )  # fmt: skip
    await session.commit()
    assert await wanted(session, AT_NINE) == []
    half_past_ten = AT_NINE + timedelta(hours=1, minutes=30)
    assert await wanted(session, half_past_ten) == [(1, Span.WEEK, date(2026, 2, 23))]


async def test_managers_blocked_and_brand_new_owners_get_none(session: AsyncSession) -> None:
    await week(session)
    owner = await session.get_one(User, 1)
    owner.created_at = AT_NINE - timedelta(hours=2)  # joined today: starts tomorrow
    session.add(
        User(tg_id=9, role="owner", first_name="Blocked", blocked=True, created_at=AT_NINE)
    )
    await session.commit()
    assert await wanted(session, AT_NINE) == []
    assert await wanted(session, AT_NINE + timedelta(days=1)) == [(1, Span.DAY, date(2026, 3, 2))]


async def test_queued_once_with_the_settings_it_fell_due_with(session: AsyncSession) -> None:
    await week(session)
    assert await digest.queue_due(session, AT_NINE, BAKU, DEFAULTS) == 2
    assert await digest.queue_due(session, AT_NINE + timedelta(minutes=1), BAKU, DEFAULTS) == 0
    rows = (await session.scalars(select(Outbox).order_by(Outbox.id))).all()
    assert [(r.chat_id, r.kind, r.dedupe_key) for r in rows] == [
        (1, "digest", "digest:1:1:2026-03-01"),
        (1, "digest", "digest:1:7:2026-02-23"),
    ]
    assert rows[0].payload == {
        "user_id": 1, "span": "1", "first": "2026-03-01",
        "sla": 15, "days": 0b11111, "start": 540, "end": 1080,
    }  # fmt: skip
    got = await digest.queued(session, 1, rows[1].payload)
    assert (got.span, got.first, got.sla) == (Span.WEEK, date(2026, 2, 23), DEFAULTS.sla)
    with pytest.raises(NotFound):
        await digest.queued(session, 200, rows[1].payload)  # not the owner's chat


async def test_two_workers_racing_queue_each_digest_once(
    sessions: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    async with sessions() as setup:
        await week(setup)
    async with sessions() as first, other_worker(database_url) as second:
        # Both see the same digests due before either has written anything.
        one = await digest.due(first, AT_NINE, BAKU, DEFAULTS)
        two = await digest.due(second, AT_NINE, BAKU, DEFAULTS)
        await first.rollback()
        await second.rollback()
        assert len(one) == len(two) == 2
        assert [await digest.claim(first, d, AT_NINE) for d in one] == [True, True]
        await first.commit()
        assert [await digest.claim(second, d, AT_NINE) for d in two] == [False, False]
        await second.commit()
    async with sessions() as check:
        assert await check.scalar(select(func.count()).select_from(Outbox)) == 2
        assert await check.scalar(select(func.count()).select_from(SentDigest)) == 2
        # The rule lives in the database: a second row for the same period is refused.
        check.add(SentDigest(user_id=1, span="1", first_day=date(2026, 3, 1), created_at=AT_NINE))
        with pytest.raises(IntegrityError):
            await check.commit()


def test_sla_of_settings() -> None:
    assert DEFAULTS.sla == Sla(15, DEFAULTS.schedule)
    assert DEFAULTS.sla.length == timedelta(minutes=15)
