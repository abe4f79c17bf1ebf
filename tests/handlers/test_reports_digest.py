"""Digests pushed to the owner: queued by the sweep when due, sent through the outbox, once."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from typing import Any

import pytest
from aiogram.methods import SendMessage, SendPhoto
from PIL import Image
from sqlalchemy import select

from bot.sweeps.digests import send_digests
from services import processes
from services.clock import ManualClock
from services.db.outbox import Outbox
from services.db.reports import SentDigest
from services.db.users import User
from tests.support.calls import buttons, sent_to
from tests.support.drawing import reading_while_drawing
from tests.support.harness import Harness, harness, make_settings, person
from tests.support.reports_seed import week

OLGA = person(1, "Olga")
AYSEL = person(777, "Aysel")
# The week of 23 Feb - 1 Mar (see tests/support/reports_seed.py for every figure).
WEEKLY = """📊 <b>Report for Feb 23\u2009–\u2009Mar 1, 2026</b>
📥 New requests: 8 (+5)
🎯 Won: 2 · AZN1,500.50
✖️ Lost: 3
💳 Received: AZN600.00 · owed on won deals: AZN800.50
⏱ First response: median 15 min, 90% within 1 day 10 hr
⚠️ Waited longer than 15 min: 3
🔔 Overdue tasks: 1 · quiet for 3 days: 3 · contracts ending: 1"""


async def seed(tg: Harness) -> None:
    async with tg.app.sessions() as session:
        await week(session)


async def test_daily_and_weekly_digests_arrive_once(tg: Harness) -> None:
    await seed(tg)
    # Monday 13:00 in Baku: past 09:00, so yesterday's and last week's digests are due.
    assert await send_digests(tg.app) == 2
    assert await send_digests(tg.app) == 0
    daily_photo, daily_detail, weekly_photo, weekly_detail = await tg.deliver()
    for photo, detail in ((daily_photo, daily_detail), (weekly_photo, weekly_detail)):
        assert isinstance(photo, SendPhoto) and isinstance(detail, SendMessage)
        assert photo.chat_id == detail.chat_id == OLGA.id
        assert Image.open(io.BytesIO(photo.photo.data)).format == "PNG"
    assert daily_photo.caption.splitlines()[0] == "📊 <b>Report for Sun, March 1, 2026</b>"
    assert buttons(daily_detail)[0] == [
        ("📥 New requests", "rl:n:1:20260301"),
        ("🔻 Funnel", "rl:f:1:20260301"),
    ]
    assert weekly_photo.caption == WEEKLY
    assert weekly_detail.text.splitlines()[:2] == [
        "<b>📥 New requests: 8</b> (+5 against 3 the period before)",
        "• Telegram: 4 (+2)",
    ]
    assert buttons(weekly_detail)[2] == [
        ("👥 People", "rl:p:7:20260223"),
        ("🔔 Attention", "rl:a:7:20260223"),
    ]
    assert await tg.deliver() == []
    async with tg.app.sessions() as session:
        sent = (await session.execute(select(SentDigest.span, SentDigest.first_day))).all()
    assert sorted((span, day.isoformat()) for span, day in sent) == [
        ("1", "2026-03-01"),
        ("7", "2026-02-23"),
    ]


async def test_a_restarted_or_second_worker_sends_nothing_again(
    tg: Harness, database_url: str, clock: ManualClock
) -> None:
    await seed(tg)
    assert await send_digests(tg.app) == 2
    async with harness(make_settings(database_url), clock) as restarted:
        assert await send_digests(restarted.app) == 0
        clock.advance(timedelta(hours=10))
        assert await send_digests(restarted.app) == 0  # still Monday in Baku (23:00)
        clock.advance(timedelta(hours=1))
        assert await send_digests(restarted.app) == 0  # Tuesday 00:00: before 09:00
        clock.advance(timedelta(hours=9))
        assert await send_digests(restarted.app) == 1  # Tuesday 09:00: Monday's digest
    async with tg.app.sessions() as session:
        keys = list(await session.scalars(select(Outbox.dedupe_key).order_by(Outbox.id)))
    assert keys == ["digest:1:1:2026-03-01", "digest:1:7:2026-02-23", "digest:1:1:2026-03-02"]


async def test_digest_time_and_switches_are_the_owners(
    database_url: str, clock: ManualClock
) -> None:
    settings = make_settings(database_url, digest_time="14:00")
    async with harness(settings, clock) as tg:
        await seed(tg)
        assert await send_digests(tg.app) == 0  # 13:00 in Baku
        await tg.press(OLGA, "rs:d:0")  # daily off
        clock.advance(timedelta(hours=1))
        assert await send_digests(tg.app) == 1
        [photo, _detail] = await tg.deliver()
        assert photo.caption == WEEKLY


async def test_a_digest_for_someone_no_longer_owner_is_dropped(tg: Harness) -> None:
    await seed(tg)
    assert await send_digests(tg.app) == 2
    async with tg.app.sessions() as session:
        (await session.get_one(User, 1)).role = "manager"
        await session.commit()
    assert await tg.deliver() == []
    async with tg.app.sessions() as session:
        rows = (await session.scalars(select(Outbox))).all()
    assert [(r.failed_at is not None, r.last_error) for r in rows] == [
        (True, "nothing to send"),
        (True, "nothing to send"),
    ]


async def test_the_bot_reads_on_while_a_digests_chart_is_drawn(
    tg: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chart is drawn with no database connection held: on SQLite the bot has one, and an
    update arriving meanwhile would wait for the whole drawing."""
    await seed(tg)
    read = reading_while_drawing(tg.app.sessions, monkeypatch)
    assert await send_digests(tg.app) == 2
    photos = [c for c in await tg.deliver() if isinstance(c, SendPhoto)]
    assert len(photos) == 2 and len(read) == 2


async def test_a_digests_chart_holds_up_no_other_chat(
    tg: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A customer's confirmation claimed with the owners' digests goes out while the digests'
    charts are still being drawn."""
    await seed(tg)
    held = asyncio.Event()
    drawing = processes.run

    async def drawn_when_let(work: Any, *args: object) -> Any:
        await held.wait()
        return await drawing(work, *args)

    monkeypatch.setattr(processes, "run", drawn_when_let)
    confirmed = asyncio.Event()
    recording = tg.recorder.make_request

    async def noticing(bot: Any, method: Any, timeout: int | None = None) -> Any:
        if getattr(method, "chat_id", None) == AYSEL.id:
            confirmed.set()
        return await recording(bot, method, timeout)

    monkeypatch.setattr(tg.recorder, "make_request", noticing)
    assert await send_digests(tg.app) == 2
    await tg.send(AYSEL, "Need a sofa")
    delivering = asyncio.create_task(tg.deliver())
    await asyncio.wait_for(confirmed.wait(), 10)
    assert not delivering.done()
    [confirmation] = sent_to(tg.recorder.calls, AYSEL.id)
    assert confirmation.text.startswith("Request #13 received")
    held.set()
    photos = [c for c in await delivering if isinstance(c, SendPhoto)]
    assert len(photos) == 2
