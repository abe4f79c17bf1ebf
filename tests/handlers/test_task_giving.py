"""Tasks given to others, as the team uses them: /task, who, when; both see it in /tasks; the
one it is for is told, reminded when it falls due, and whoever gave it learns it is done."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import User as TgUser
from sqlalchemy import select

from bot.sweeps import reminders
from services.clock import ManualClock
from services.db.tasks import Task
from services.db.users import User
from tests.support.calls import answer_of, buttons, sent_to, without_answers
from tests.support.deals import ANNA, BAKO, LEYLA, OLGA, make_manager
from tests.support.harness import OWNER_ID, Harness, clock_of, harness, make_settings, person

CEMIL = person(202, "Cemil")
OLEG = person(2, "Oleg")
PICKER = 930
PASSED = "That button is from an earlier step. Use the latest message, or /cancel."
REFUSED = ("Sorry, you can't do that.", True)


async def user_id(tg: Harness, tg_id: int) -> int:
    async with tg.app.sessions() as session:
        found = await session.scalar(select(User.id).where(User.tg_id == tg_id))
    assert found is not None
    return found


async def task_rows(tg: Harness) -> list[tuple[str, int | None, int | None, int | None, str]]:
    async with tg.app.sessions() as session:
        rows = await session.scalars(select(Task).order_by(Task.id))
        return [(t.kind, t.deal_id, t.assignee_id, t.created_by, t.note) for t in rows]


async def team(tg: Harness) -> tuple[int, int, int]:
    for who in (ANNA, BAKO, CEMIL):
        await make_manager(tg, who.id, who.first_name)
    return (await user_id(tg, ANNA.id), await user_id(tg, BAKO.id), await user_id(tg, CEMIL.id))


async def give(tg: Harness, giver: TgUser, text: str, who: str) -> list[Any]:
    """`giver` types /task and `text`, presses `who`, then gets the moments to press."""
    [asked] = await tg.send(giver, "/task")
    assert asked.text == "What is to be done? Write it in a few words. /cancel to stop."
    await tg.send(giver, text)
    return await tg.press(giver, who, message_id=PICKER)


async def test_a_manager_gives_another_a_task_and_learns_it_is_done(tg: Harness) -> None:
    anna, bako, cemil = await team(tg)
    await tg.send(ANNA, "/task")
    [who] = await tg.send(ANNA, "  Call the supplier   about chairs ")
    assert who.text == "Who should do it?\nCall the supplier about chairs"
    assert buttons(who) == [
        [("🙋 Me", f"tw:w:{anna}:h1")],
        [("👤 Bako", f"tw:w:{bako}:h1")],
        [("👤 Cemil", f"tw:w:{cemil}:h1")],
        [("👑 The owners", "tw:w:0:h1")],
    ]
    [when] = without_answers(await tg.press(ANNA, f"tw:w:{bako}:h1", message_id=PICKER))
    assert isinstance(when, EditMessageText)
    assert when.text == "When is it due?\nCall the supplier about chairs"
    assert buttons(when) == [
        [("In 1 hour", "tw:p:0:h1"), ("In 3 hours", "tw:p:0:h3")],
        [("Tomorrow 10:00", "tw:p:0:tm"), ("Next Monday 10:00", "tw:p:0:mo")],
        [("⌨️ Another time…", "tw:t:0:h1")],
    ]
    [given] = without_answers(await tg.press(ANNA, "tw:p:0:tm", message_id=PICKER))
    assert (given.message_id, given.text) == (
        PICKER,
        "📌 Given to Bako, due Mar 3, 2026, 10:00:\nCall the supplier about chairs",
    )
    assert await task_rows(tg) == [("task", None, bako, anna, "Call the supplier about chairs")]
    # A second press of the moment, once given, gives nothing more.
    again = await tg.press(ANNA, "tw:p:0:h1", message_id=PICKER)
    assert (answer_of(again).text, answer_of(again).show_alert) == (PASSED, True)
    assert len(await task_rows(tg)) == 1

    [told] = await tg.deliver()
    assert (told.chat_id, told.text) == (
        BAKO.id,
        "📌 Anna gave you a task, due Mar 3, 2026, 10:00:\nCall the supplier about chairs",
    )
    assert buttons(told) == [[("✅ Done", "tk:d:1:m15")]]
    [mine] = await tg.send(ANNA, "/tasks")
    assert mine.text == (
        "<b>Your tasks</b>\n⏰ Mar 3, 2026, 10:00 · Call the supplier about chairs → Bako"
    )
    assert buttons(mine) == [[("➕ New task", "tw:n:0:h1")]]
    [theirs] = await tg.send(BAKO, "/tasks")
    assert theirs.text == (
        "<b>Your tasks</b>\n⏰ Mar 3, 2026, 10:00 · Call the supplier about chairs (from Anna)"
    )
    [none] = await tg.send(CEMIL, "/tasks")
    assert none.text == "You have no open tasks."

    clock_of(tg).advance(timedelta(hours=21))
    assert await reminders.due_tasks(tg.app) == 1
    [due] = await tg.deliver()
    assert (due.chat_id, due.text) == (BAKO.id, "⏰ Call the supplier about chairs\nFrom Anna")
    assert buttons(due) == [
        [("✅ Done", "tk:d:1:m15"), ("💤 1 h", "tk:s:1:h1")],
        [("⋯ More", "tk:m:1:m15")],
    ]
    [more] = without_answers(await tg.press(BAKO, "tk:m:1:m15"))
    assert buttons(more) == [
        [("💤 15 min", "tk:s:1:m15"), ("💤 Tomorrow", "tk:s:1:tm")],
        [("‹ Back", "tk:b:1:m15")],
    ]
    done = await tg.press(BAKO, "tk:d:1:m15")
    assert answer_of(done).text == "Done."
    assert without_answers(done)[0].text == due.text + "\n✅ Done"
    [heard] = await tg.deliver()
    assert (heard.chat_id, heard.text) == (
        ANNA.id,
        "✅ Bako has done the task you gave:\nCall the supplier about chairs",
    )
    [empty] = await tg.send(ANNA, "/tasks")
    assert empty.text == "You have no open tasks."


async def test_only_the_assignee_the_giver_and_the_owners_work_a_task(tg: Harness) -> None:
    _, bako, _ = await team(tg)
    await give(tg, ANNA, "Bring the samples", f"tw:w:{bako}:h1")
    await tg.press(ANNA, "tw:p:0:h3", message_id=PICKER)
    refusals = {CEMIL: REFUSED, LEYLA: ("Извините, вам это недоступно.", True)}
    for intruder, refusal in refusals.items():
        for data in ("tk:d:1:m15", "tk:s:1:h1", "tk:n:1:m15"):
            answer = answer_of(await tg.press(intruder, data))
            assert (answer.text, answer.show_alert) == refusal, data
    # The giver may snooze it; nobody was told it was done by an intruder.
    snoozed = await tg.press(ANNA, "tk:s:1:tm")
    assert answer_of(snoozed).text == "I'll remind you again on Mar 3, 2026, 10:00."
    await tg.deliver()
    async with tg.app.sessions() as session:
        task = await session.get_one(Task, 1)
        assert (task.done_at, task.version) == (None, 2)
    # The owner closes it; the giver is told, the assignee is not.
    closed = await tg.press(OLGA, "tk:d:1:m15")
    assert answer_of(closed).text == "Done."
    [heard] = await tg.deliver()
    assert (heard.chat_id, heard.text) == (
        ANNA.id,
        "✅ Olga has done the task you gave:\nBring the samples",
    )


async def test_who_it_goes_to_is_someone_active_in_the_team(tg: Harness) -> None:
    anna, bako, cemil = await team(tg)
    await tg.send(LEYLA, "Need chairs")
    leyla = await user_id(tg, LEYLA.id)
    await tg.send(ANNA, "/task")
    await tg.send(ANNA, "Check the invoice")
    not_team = "That person is not in the team any more; choose another."
    for forged in (leyla, 999):
        answer = answer_of(await tg.press(ANNA, f"tw:w:{forged}:h1"))
        assert (answer.text, answer.show_alert) == (not_team, True)
    async with tg.app.sessions() as session:
        (await session.get_one(User, cemil)).is_active = False
        await session.commit()
    answer = answer_of(await tg.press(ANNA, f"tw:w:{cemil}:h1"))
    assert (answer.text, answer.show_alert) == (not_team, True)
    # Still at the same question: a good choice goes on.
    [when] = without_answers(await tg.press(ANNA, f"tw:w:{bako}:h1", message_id=PICKER))
    assert when.text == "When is it due?\nCheck the invoice"
    # The choice of who, pressed again once past it, changes nothing.
    stale = answer_of(await tg.press(ANNA, f"tw:w:{anna}:h1"))
    assert (stale.text, stale.show_alert) == (PASSED, True)
    # ...nor ends the question it is at: the task goes to whom was chosen.
    [given] = without_answers(await tg.press(ANNA, "tw:p:0:h1", message_id=PICKER))
    assert given.text == "📌 Given to Bako, due Mar 2, 2026, 14:00:\nCheck the invoice"
    assert await task_rows(tg) == [("task", None, bako, anna, "Check the invoice")]
    await tg.send(ANNA, "/task")
    await tg.send(ANNA, "Sign the lease")
    assert answer_of(await tg.press(ANNA, f"tw:w:{anna}:h1")).text is None
    # A press from the finished task's question, in the middle of another task: refused, and
    # the other goes on.
    stale = answer_of(await tg.press(ANNA, "tw:w:0:h1"))
    assert (stale.text, stale.show_alert) == (PASSED, True)
    await tg.press(ANNA, "tw:p:0:h3")
    assert (await task_rows(tg))[1:] == [("task", None, anna, anna, "Sign the lease")]
    # A customer can't give tasks, nor press the buttons of the flow.
    [refused] = await tg.send(LEYLA, "/task")
    assert refused.text == (
        "Не удалось понять сообщение. Напишите словами, что вам нужно, или отправьте фото или "
        "документ."
    )
    answer = answer_of(await tg.press(LEYLA, "tw:n:0:h1"))
    assert (answer.text, answer.show_alert) == ("Извините, вам это недоступно.", True)
    assert [row[1:] for row in await task_rows(tg)] == [
        (None, bako, anna, "Check the invoice"),
        (None, anna, anna, "Sign the lease"),
    ]


async def test_a_task_for_oneself_with_a_typed_moment(tg: Harness) -> None:
    anna, _, _ = await team(tg)
    await give(tg, ANNA, "Order paper", f"tw:w:{anna}:h1")
    [prompt] = without_answers(await tg.press(ANNA, "tw:t:0:h1", message_id=PICKER))
    assert prompt.text.startswith("When is it due? Send a date and time like 25.12 15:00")
    assert "(Asia/Baku time)" in prompt.text
    [past] = await tg.send(ANNA, "today 12:00")
    assert past.text == "That moment has passed already. Send a later one, or /cancel."
    [given] = await tg.send(ANNA, "25.12 15:00")
    assert isinstance(given, EditMessageText)
    assert (given.message_id, given.text) == (
        PICKER,
        "⏰ I'll remind you on Dec 25, 2026, 15:00:\nOrder paper",
    )
    assert await tg.deliver() == []  # nobody else to tell
    assert await task_rows(tg) == [("task", None, anna, anna, "Order paper")]
    [listed] = await tg.send(ANNA, "/tasks")
    assert listed.text == "<b>Your tasks</b>\n⏰ Dec 25, 2026, 15:00 · Order paper"


@pytest.fixture
async def owners(database_url: str, clock: ManualClock) -> AsyncIterator[Harness]:
    """Two owners, Olga and Oleg."""
    async with harness(make_settings(database_url, owner_ids=[OWNER_ID, OLEG.id]), clock) as tg:
        await tg.send(OLEG, "/start")
        tg.recorder.calls.clear()
        yield tg


async def test_a_task_for_the_owners_reaches_each_and_any_closes_it(owners: Harness) -> None:
    tg = owners
    _, bako, _ = await team(tg)
    await give(tg, BAKO, "Approve the discount for Leyla", "tw:w:0:h1")
    [given] = without_answers(await tg.press(BAKO, "tw:p:0:h1", message_id=PICKER))
    assert given.text == (
        "📌 Given to the owners, due Mar 2, 2026, 14:00:\nApprove the discount for Leyla"
    )
    assert await task_rows(tg) == [("task", None, None, bako, "Approve the discount for Leyla")]
    handed = await tg.deliver()
    assert sorted((c.chat_id, c.text) for c in handed) == [
        (
            chat,
            "📌 Bako gave the owners a task, due Mar 2, 2026, 14:00:\n"
            "Approve the discount for Leyla",
        )
        for chat in (OWNER_ID, OLEG.id)
    ]
    [listed] = await tg.send(OLEG, "/tasks")
    assert listed.text == (
        "<b>Your tasks</b>\n⏰ Mar 2, 2026, 14:00 · Approve the discount for Leyla "
        "→ the owners (from Bako)"
    )
    [bakos] = await tg.send(BAKO, "/tasks")
    assert bakos.text.endswith("Approve the discount for Leyla → the owners")

    clock_of(tg).advance(timedelta(hours=1))
    assert await reminders.due_tasks(tg.app) == 1
    due = await tg.deliver()
    text = "⏰ Approve the discount for Leyla\nFrom Bako\nFor the owners"
    assert sorted((c.chat_id, c.text) for c in due) == [(OWNER_ID, text), (OLEG.id, text)]
    # Long overdue: the owners are not told again of their own task.
    clock_of(tg).advance(timedelta(days=2))
    assert await reminders.overdue_tasks(tg.app) == 1
    assert await tg.deliver() == []

    closed = await tg.press(OLEG, "tk:d:1:m15")
    assert answer_of(closed).text == "Done."
    [heard] = await tg.deliver()
    assert (heard.chat_id, heard.text) == (
        BAKO.id,
        "✅ Oleg has done the task you gave:\nApprove the discount for Leyla",
    )
    twice = answer_of(await tg.press(OLGA, "tk:d:1:m15"))
    assert (twice.text, twice.show_alert) == ("This task is done already.", True)
    assert await tg.deliver() == []


async def test_the_owners_see_the_team_s_tasks_overdue_first(tg: Harness) -> None:
    _, bako, _ = await team(tg)
    await give(tg, ANNA, "Send the price list", f"tw:w:{bako}:h1")
    await tg.press(ANNA, "tw:p:0:tm", message_id=PICKER)
    await give(tg, BAKO, "Fix the door", f"tw:w:{bako}:h1")
    await tg.press(BAKO, "tw:p:0:h1", message_id=PICKER)
    await give(tg, OLGA, "Pay the rent", "tw:w:0:h1")
    await tg.press(OLGA, "tw:p:0:h3", message_id=PICKER)
    clock_of(tg).advance(timedelta(hours=2))
    [listed] = await tg.send(OLGA, "/tasks team")
    assert isinstance(listed, SendMessage)
    assert listed.text == "\n".join(
        [
            "<b>The team's open tasks</b>",
            "⚠️ Mar 2, 2026, 14:00 · Fix the door → Bako",
            "⏰ Mar 2, 2026, 16:00 · Pay the rent → the owners",
            "⏰ Mar 3, 2026, 10:00 · Send the price list → Bako",
        ]
    )
    refused = sent_to(await tg.send(ANNA, "/tasks team"), ANNA.id)
    assert [c.text for c in refused] == ["Sorry, you can't do that."]
    # The report's attention list names the owners' task as theirs.
    clock_of(tg).advance(timedelta(hours=2))
    [attention] = without_answers(await tg.press(OLGA, "rl:a:7:20260223"))
    assert attention.text.split("<b>⏰ Overdue tasks</b>\n")[1].splitlines()[:2] == [
        "— · Fix the door · Bako, due Mar 2, 2026, 14:00",
        "— · Pay the rent · the owners, due Mar 2, 2026, 16:00",
    ]
