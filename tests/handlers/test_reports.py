"""/report and /export as the owner sees them: exact messages, buttons and files."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from aiogram.methods import AnswerCallbackQuery, SendDocument, SendMessage, SendPhoto
from openpyxl import load_workbook
from PIL import Image

from services.db.tasks import Task
from services.reports import lists
from tests.support.calls import answer_of, buttons, without_answers
from tests.support.drawing import reading_while_drawing
from tests.support.harness import Harness, person
from tests.support.reports_seed import ANNA as ANNA_ID
from tests.support.reports_seed import NOW, SINCE, week

OLGA = person(1, "Olga")
ANNA = person(200, "Anna")
LEYLA = person(100, "Leyla")

CHOICES = [
    [("Today", "rp:t"), ("Yesterday", "rp:y")],
    [("Last 7 days", "rp:7"), ("Last 30 days", "rp:30")],
    [("This month", "rp:m"), ("Previous month", "rp:pm")],
]
# Yesterday is Sunday 1 March: request 7 only (Telegram, answered in 10 minutes on a
# Sunday, so no working time passed); the day before had request 6 (entered by hand).
SUMMARY = """📊 <b>Report for Sun, March 1, 2026</b>
📥 New requests: 1 (±0)
🎯 Won: 0 · AZN0.00
✖️ Lost: 0
💳 Received: AZN0.00 · owed on won deals: AZN800.50
⏱ First response: median 10 min, 90% within 10 min
⚠️ Waited longer than 15 min: 0
🔔 Overdue tasks: 1 · quiet for 3 days: 3 · contracts ending: 1"""
DETAIL = """<b>📥 New requests: 1</b> (±0 against 1 the period before)
• Telegram: 1 (+1)
• website: 0 (±0)
• phone call: 0 (±0)
• entered by hand: 0 (−1)

<b>🔻 Funnel</b> (requests of this period, by the furthest stage reached)
• New: 1
• Contacted: 0 · 0%
• Proposal: 0
• Invoice sent: 0
• Won: 0

<b>🏁 Won and lost</b>
• Won: 0 · AZN0.00
• Lost: 0

<b>⏱ Speed</b>
• Answered: 1 of 1
• First response: median 10 min, 90th percentile 10 min
• Waited longer than 15 min of working hours: 0

<b>👥 People</b>
• Anna: 4 open · won 0 · AZN0.00 · 1 overdue task
• Bako: 2 open · won 0 · AZN0.00 · median response 10 min

<b>🔔 Attention</b>
• Overdue tasks: 1
• No activity for 3 days: 3
• Contracts ending within 14 days: 1"""
SECTIONS = [
    [("📥 New requests", "rl:n:1:20260301"), ("🔻 Funnel", "rl:f:1:20260301")],
    [("🏁 Won and lost", "rl:r:1:20260301"), ("⏱ Late answers", "rl:s:1:20260301")],
    [("👥 People", "rl:p:1:20260301"), ("🔔 Attention", "rl:a:1:20260301")],
]


@pytest.fixture
async def seeded(tg: Harness) -> Harness:
    async with tg.app.sessions() as session:
        await week(session)
    return tg


async def test_report_offers_periods(seeded: Harness) -> None:
    [choice] = await seeded.send(OLGA, "/report")
    assert choice.text == "Which period should the report cover?"
    assert buttons(choice) == CHOICES


async def test_report_is_a_chart_with_the_summary_then_the_detail(seeded: Harness) -> None:
    calls = await seeded.press(OLGA, "rp:y")
    photo, detail = without_answers(calls)
    assert isinstance(photo, SendPhoto) and photo.chat_id == OLGA.id
    assert photo.caption == SUMMARY and len(photo.caption) <= 1024
    png = photo.photo.data
    assert Image.open(io.BytesIO(png)).format == "PNG"
    assert photo.photo.filename == "report-2026-03-01.png"
    assert isinstance(detail, SendMessage) and detail.chat_id == OLGA.id
    assert detail.text == DETAIL
    assert buttons(detail) == SECTIONS
    assert answer_of(calls).text is None


async def test_the_week_in_the_owners_language(seeded: Harness) -> None:
    await seeded.send(person(1, "Olga", language="ru"), "/start")
    calls = await seeded.press(person(1, "Olga", language="ru"), "rp:7")
    photo, detail = without_answers(calls)
    assert photo.caption.splitlines()[:2] == [
        "📊 <b>Отчёт за 24 февр. — 2 мар. 2026\u202fг.</b>",
        "📥 Новые заявки: 7 (+3)",
    ]
    assert "• Anna: 4 открытые · выиграно 1 · 1\xa0000,00\xa0AZN" in detail.text


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (
            "n",
            [
                "<b>📥 New requests, Feb 23\u2009–\u2009Mar 1, 2026</b>",
                "#7 · Mar 1, 2026, 23:30 · Telegram · Customer 7",
                "#6 · Feb 28, 2026, 12:00 · entered by hand · Customer 6",
                "#5 · Feb 27, 2026, 17:50 · Telegram · Customer 5",
                "#8 · Feb 26, 2026, 09:00 · website · Customer 8",
                "#4 · Feb 25, 2026, 03:30 · Telegram · Customer 4",
                "#3 · Feb 24, 2026, 11:00 · phone call · Customer 3",
                "#2 · Feb 23, 2026, 17:55 · website · Customer 2",
                "#1 · Feb 23, 2026, 10:00 · Telegram · Customer 1",
            ],
        ),
        (
            "f",
            [
                "<b>🔻 Requests of Feb 23\u2009–\u2009Mar 1, 2026 by stage</b>",
                "#1 · Won · Customer 1",
                "#8 · Invoice sent · Customer 8",
                "#5 · Proposal · Customer 5",
                "#2 · New · Customer 2",
                "#4 · New · Customer 4",
                "#6 · New · Customer 6",
                "#7 · New · Customer 7",
                "#3 · Lost · Customer 3",
            ],
        ),
        (
            "r",
            [
                "<b>🏁 Won and lost, Feb 23\u2009–\u2009Mar 1, 2026</b>",
                "#1 · 🎯 AZN1,000.00 · Customer 1",
                "#9 · 🎯 AZN500.50 · Customer 9",
                "#11 · ✖️ price · Customer 11",
                "#10 · ✖️ too far · Customer 10",
                "#3 · ✖️ price · Customer 3",
            ],
        ),
        (
            "s",
            [
                "<b>⏱ Waited longer than 15 min of working hours, "
                "Feb 23\u2009–\u2009Mar 1, 2026</b>",
                "#6 · waited 4 hr · Customer 6",
                "#2 · waited 25 min · Customer 2",
                "#5 · waited 16 min · Customer 5",
            ],
        ),
        (
            "p",
            [
                "<b>👥 Open requests by manager</b>",
                "Anna: #2 · New · Customer 2",
                "Anna: #5 · Proposal · Customer 5",
                "Anna: #8 · Invoice sent · Customer 8",
                "Anna: #12 · New · Customer 12",
                "Bako: #4 · New · Customer 4",
                "Bako: #7 · New · Customer 7",
            ],
        ),
        (
            "a",
            [
                "<b>🔕 No activity for 3 days</b>",
                "#2 · quiet since Feb 24, 2026, 09:20 · Anna",
                "#4 · quiet since Feb 25, 2026, 09:14 · Bako",
                "#8 · quiet since Feb 26, 2026, 14:00 · Anna",
                "",
                "<b>⏰ Overdue tasks</b>",
                "#2 · call back · Anna, due Mar 1, 2026, 10:00",
                "",
                "<b>📄 Contracts ending within 14 days</b>",
                "#1 · contract C-1 · ends Mar 16, 2026 · Customer 1",
            ],
        ),
    ],
)
async def test_each_section_button_opens_its_list(
    seeded: Harness, section: str, expected: list[str]
) -> None:
    calls = await seeded.press(OLGA, f"rl:{section}:7:20260223")
    [listed] = without_answers(calls)
    assert isinstance(listed, SendMessage) and listed.chat_id == OLGA.id
    assert listed.text.splitlines() == expected


async def test_empty_and_long_lists(seeded: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    [listed] = without_answers(await seeded.press(OLGA, "rl:n:1:20260101"))
    assert listed.text.splitlines() == [
        "<b>📥 New requests, Thu, January 1, 2026</b>",
        "Nothing here.",
    ]
    monkeypatch.setattr(lists, "LIMIT", 3)
    [listed] = without_answers(await seeded.press(OLGA, "rl:n:7:20260223"))
    assert listed.text.splitlines()[-2:] == [
        "#5 · Feb 27, 2026, 17:50 · Telegram · Customer 5",
        "…and 5 more",
    ]


@pytest.mark.parametrize("data", ["rp:y", "rl:n:7:20260223", "rx:y:x"])
async def test_managers_and_customers_are_refused(seeded: Harness, data: str) -> None:
    for who in (ANNA, LEYLA):
        calls = await seeded.press(who, data)
        answer = answer_of(calls)
        assert (answer.text, answer.show_alert) == ("Sorry, you can't do that.", True)
        assert without_answers(calls) == []
    for command in ("/report", "/export"):
        [refused] = await seeded.send(ANNA, command)
        assert refused.text == "Sorry, you can't do that."


@pytest.mark.parametrize("data", ["rl:n:7:20261399", "rl:z:7:20260223", "rp:never"])
async def test_forged_buttons_change_nothing(seeded: Harness, data: str) -> None:
    calls = await seeded.press(OLGA, data)
    assert all(isinstance(c, AnswerCallbackQuery) for c in calls)
    assert answer_of(calls).text in (
        "Not found: it may have been removed.",
        "This button is no longer available.",
    )


async def test_export_sends_a_spreadsheet(seeded: Harness) -> None:
    [choice] = await seeded.send(OLGA, "/export")
    assert choice.text == "Which period should the spreadsheet cover?"
    assert buttons(choice)[0] == [("Today", "rx:t:x"), ("Yesterday", "rx:y:x")]
    [document] = without_answers(await seeded.press(OLGA, "rx:7:x"))
    assert isinstance(document, SendDocument) and document.chat_id == OLGA.id
    assert document.caption == "Requests of Feb 24\u2009–\u2009Mar 2, 2026: 7"
    assert document.document.filename == "axin-2026-02-24-2026-03-02.xlsx"
    book = load_workbook(io.BytesIO(document.document.data))
    assert book.sheetnames == ["Requests", "Managers", "Items", "Sold"]
    rows = list(book["Requests"].iter_rows(values_only=True))
    assert rows[0] == (
        "Number", "Created", "Source", "Customer", "Phone", "Stage", "Amount", "Manager",
        "First response, min", "Closed", "Lost reason",
    )  # fmt: skip
    assert [r[0] for r in rows[1:]] == [3, 4, 8, 5, 6, 7, 12]
    assert rows[1][2] == "phone call" and rows[1][10] == "price"
    assert list(book["Managers"].iter_rows(values_only=True))[1] == (
        "Anna", 4, 1, 1000, 15, 1, 0, None,
    )  # fmt: skip


async def test_export_csv_when_asked(seeded: Harness) -> None:
    [choice] = await seeded.send(OLGA, "/export csv")
    assert buttons(choice)[0] == [("Today", "rx:t:c"), ("Yesterday", "rx:y:c")]
    [document] = without_answers(await seeded.press(OLGA, "rx:y:c"))
    assert document.document.filename == "axin-2026-03-01-2026-03-01.csv"
    text = document.document.data.decode("utf-8-sig")
    assert text.splitlines()[1] == (
        "7,2026-03-01 23:30,Telegram,Customer 7,+994500000007,New,,Bako,10.0,,"
    )


async def test_the_bot_reads_on_while_a_reports_chart_is_drawn(
    seeded: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No database connection is held while the chart is drawn (on SQLite the bot has one)."""
    read = reading_while_drawing(seeded.app.sessions, monkeypatch)
    photo, _detail = without_answers(await seeded.press(OLGA, "rp:y"))
    assert isinstance(photo, SendPhoto) and len(read) == 1


async def test_the_owners_overdue_tasks_are_counted_under_people(seeded: Harness) -> None:
    async with seeded.app.sessions() as session:
        for hours in (2, 30):
            session.add(
                Task(
                    kind="task", assignee_id=None, created_by=ANNA_ID, note="approve",
                    due_at=NOW - timedelta(hours=hours), created_at=SINCE, calls=0, version=1,
                )
            )  # fmt: skip
        await session.commit()
    _photo, detail = without_answers(await seeded.press(OLGA, "rp:y"))
    people = detail.text.split("<b>👥 People</b>\n")[1].split("\n\n")[0]
    assert people.splitlines() == [
        "• Anna: 4 open · won 0 · AZN0.00 · 1 overdue task",
        "• Bako: 2 open · won 0 · AZN0.00 · median response 10 min",
        "• 👑 Owners: 2 overdue tasks",
    ]
    assert "• Overdue tasks: 3" in detail.text
    [document] = without_answers(await seeded.press(OLGA, "rx:7:x"))
    book = load_workbook(io.BytesIO(document.document.data))
    assert list(book["Managers"].iter_rows(values_only=True))[1:] == [
        ("Anna", 4, 1, 1000, 15, 1, 0, None),
        ("Bako", 2, 1, 500.5, 10, 0, 0, None),
        ("👑 Owners", None, None, None, None, 2, None, None),
    ]
    russian = person(1, "Olga", language="ru")
    await seeded.send(russian, "/start")
    [document] = without_answers(await seeded.press(russian, "rx:7:x"))
    rows = list(load_workbook(io.BytesIO(document.document.data))["Менеджеры"].values)
    assert rows[-1] == ("👑 Владельцы", None, None, None, None, 2, None, None)
