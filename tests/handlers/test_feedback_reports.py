"""Ratings per manager in reports and digests: the average and the count of those given in the
period, whoever's deal they rate (the manager when the customer was asked)."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from bot.sweeps.digests import send_digests
from services.db.feedback import Feedback
from tests.support.calls import without_answers
from tests.support.harness import Harness, person
from tests.support.reports_seed import ANNA, BAKO, OWNER, local, week

OLGA = person(1, "Olga")
OLGA_RU = person(1, "Olga", language="ru")


async def rated(
    session: AsyncSession, deal_id: int, manager: int, rating: int, at: datetime
) -> None:
    session.add(
        Feedback(
            deal_id=deal_id, user_id=OWNER, manager_id=manager, asked_at=at, rating=rating,
            rated_at=at,
        )
    )  # fmt: skip


async def seed(tg: Harness) -> None:
    """In the week of 23 Feb - 1 Mar: Anna's deal 1 rated 5, Bako's deals 9 and 3 rated 2
    and 3; Anna's deal 12, rated on Monday 2 March, and deal 11, asked but not rated, are
    not counted."""
    async with tg.app.sessions() as session:
        await week(session)
        await rated(session, 1, ANNA, 5, local(25, 13))
        await rated(session, 9, BAKO, 2, local(24, 16))
        await rated(session, 3, BAKO, 3, local(26, 13))
        await rated(session, 12, ANNA, 1, local(2, 1, month=3))
        session.add(Feedback(deal_id=11, user_id=OWNER, manager_id=ANNA, asked_at=local(28, 10)))
        await session.commit()


def people(text: str, title: str = "<b>👥 People</b>") -> list[str]:
    lines = text.splitlines()
    start = lines.index(title)
    return [line for line in lines[start + 1 :] if line.startswith("•")][:2]


async def test_the_weekly_digest_gives_each_managers_ratings(tg: Harness) -> None:
    await seed(tg)
    assert await send_digests(tg.app) == 2
    daily_photo, _daily_detail, weekly_photo, weekly = await tg.deliver()
    # Pushed in the caption too: all the ratings of the period, whoever's deals.
    assert "⭐ Customers' ratings: 3.3 from 3 ratings" in weekly_photo.caption.splitlines()
    # Sunday 1 March had none: the daily caption says nothing of ratings.
    assert "⭐" not in daily_photo.caption
    assert people(weekly.text) == [
        "• Anna: 4 open · won 1 · AZN1,000.00 · median response 7 hr 50 min · 1 overdue task "
        "· ⭐ 5.0 from 1 rating",
        "• Bako: 2 open · won 1 · AZN500.50 · median response 10 min · ⭐ 2.5 from 2 ratings",
    ]


async def test_the_report_in_the_owners_language(tg: Harness) -> None:
    await seed(tg)
    await tg.send(OLGA_RU, "/start")
    # The last 7 days (24 Feb - 2 Mar) take Anna's 1 of Monday in, and leave nothing out.
    photo, detail = without_answers(await tg.press(OLGA_RU, "rp:7"))
    assert "⭐ Оценки клиентов: 2,8 по 4 оценкам" in photo.caption.splitlines()
    [anna, bako] = people(detail.text, "<b>👥 Сотрудники</b>")
    assert anna.endswith("⭐ 3,0 по 2 оценкам")
    assert bako.endswith("⭐ 2,5 по 2 оценкам")


async def test_the_spreadsheet_has_each_managers_ratings(tg: Harness) -> None:
    await seed(tg)
    [document] = without_answers(await tg.press(OLGA, "rx:7:x"))
    book = load_workbook(io.BytesIO(document.document.data))
    header, anna, bako = list(book["Managers"].iter_rows(values_only=True))
    assert header[-2:] == ("Ratings", "Average rating")
    assert (anna[0], *anna[-2:]) == ("Anna", 2, 3)
    assert (bako[0], *bako[-2:]) == ("Bako", 2, 2.5)
