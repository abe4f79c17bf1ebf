"""/settings: the owner switches digests, sets their time, the SLA and working hours."""

from __future__ import annotations

from aiogram.methods import EditMessageText, SendMessage
from sqlalchemy import select

from services.db.reports import ReportSettings
from tests.support.calls import answer_of, buttons, without_answers
from tests.support.harness import Harness, person

OLGA = person(1, "Olga")
ANNA = person(200, "Anna")

DEFAULT_TEXT = [
    "<b>⚙️ Reports</b>",
    "Daily digest (for the day before): on",
    "Weekly digest (Mondays, for the week before): on",
    "Digests arrive at 09:00",
    "Response SLA: 15 min of working hours",
    "Working hours: Mon–Fri, 09:00–18:00",
]


def day_buttons(*off: int) -> list[list[tuple[str, str | None]]]:
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    days = [
        (("▫️ " if day in off else "✅ ") + name, f"rs:wd:{day}") for day, name in enumerate(names)
    ]
    return [days[:4], days[4:]]


async def test_settings_show_the_defaults_with_buttons(tg: Harness) -> None:
    [shown] = await tg.send(OLGA, "/settings")
    assert shown.text.splitlines() == DEFAULT_TEXT
    assert buttons(shown) == [
        [("✅ Daily digest", "rs:d:0"), ("✅ Weekly digest", "rs:w:0")],
        [("🕘 Digest time", "rs:t:0"), ("⏱ Response SLA", "rs:s:0")],
        [("🏢 Working hours", "rs:h:0")],
        *day_buttons(5, 6),
    ]


async def test_toggles_edit_the_message_and_are_kept(tg: Harness) -> None:
    [edit] = without_answers(await tg.press(OLGA, "rs:d:0"))
    assert isinstance(edit, EditMessageText)
    assert edit.text.splitlines()[1] == "Daily digest (for the day before): off"
    assert buttons(edit)[0][0] == ("▫️ Daily digest", "rs:d:0")
    [edit] = without_answers(await tg.press(OLGA, "rs:wd:5"))
    assert edit.text.splitlines()[-1] == "Working hours: Mon–Sat, 09:00–18:00"
    [edit] = without_answers(await tg.press(OLGA, "rs:wd:0"))
    assert edit.text.splitlines()[-1] == "Working hours: Tue–Sat, 09:00–18:00"
    assert buttons(edit)[3:] == day_buttons(0, 6)
    async with tg.app.sessions() as session:
        row = await session.scalar(select(ReportSettings))
    assert (row.user_id, row.daily, row.weekly, row.work_days) == (1, False, True, 0b0111110)


async def test_typed_digest_time_sla_and_hours(tg: Harness) -> None:
    [prompt] = without_answers(await tg.press(OLGA, "rs:t:0"))
    assert prompt.text == "Send the time for your digests, like 09:00. /cancel to stop."
    [retry] = await tg.send(OLGA, "25:00")
    assert retry.text == (
        "I couldn't read that. Send the time for your digests, like 09:00. /cancel to stop."
    )
    [saved] = await tg.send(OLGA, "7:30")
    assert saved.text.splitlines()[3] == "Digests arrive at 07:30"

    [prompt] = without_answers(await tg.press(OLGA, "rs:s:0"))
    assert prompt.text == (
        "Send the response SLA in minutes of working time, like 15. /cancel to stop."
    )
    [retry] = await tg.send(OLGA, "0")
    assert retry.text.startswith("I couldn't read that.")
    [saved] = await tg.send(OLGA, "90")
    assert saved.text.splitlines()[4] == "Response SLA: 1 hr 30 min of working hours"

    [prompt] = without_answers(await tg.press(OLGA, "rs:h:0"))
    assert prompt.text.startswith("Send the working hours, like 09:00-18:00.")
    [retry] = await tg.send(OLGA, "18:00-09:00")
    assert retry.text.startswith("I couldn't read that.")
    [saved] = await tg.send(OLGA, "10:00-19:30")
    assert saved.text.splitlines()[5] == "Working hours: Mon–Fri, 10:00–19:30"
    assert isinstance(saved, SendMessage)
    # Out of the typing step, text is not taken as a setting any more.
    [other] = await tg.send(OLGA, "08:00")
    assert "Working hours" not in other.text
    async with tg.app.sessions() as session:
        row = await session.scalar(select(ReportSettings))
    assert (row.digest_at, row.sla_minutes, row.work_start, row.work_end) == (450, 90, 600, 1170)


async def test_cancel_leaves_the_typing_step(tg: Harness) -> None:
    await tg.press(OLGA, "rs:t:0")
    [cancelled] = await tg.send(OLGA, "/cancel")
    assert cancelled.text == "Cancelled. Nothing was sent."
    async with tg.app.sessions() as session:
        assert await session.scalar(select(ReportSettings)) is None


async def test_only_owners_have_report_settings(tg: Harness) -> None:
    [refused] = await tg.send(ANNA, "/settings")
    assert refused.text == "Sorry, you can't do that."
    for data in ("rs:d:0", "rs:t:0", "rs:wd:3"):
        calls = await tg.press(ANNA, data)
        answer = answer_of(calls)
        assert (answer.text, answer.show_alert) == ("Sorry, you can't do that.", True)
        assert without_answers(calls) == []
    async with tg.app.sessions() as session:
        assert await session.scalar(select(ReportSettings)) is None
