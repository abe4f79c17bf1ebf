"""Giving a task when something goes wrong on the way: the words come with /task, are too
long, or the one picked leaves the team before the task is given; nothing typed is lost."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from bot.sweeps import reminders
from services.db.tasks import Task
from services.db.users import User
from tests.handlers.test_task_giving import PICKER, give, task_rows, team
from tests.support.calls import answer_of, buttons, without_answers
from tests.support.deals import ANNA, OLGA
from tests.support.harness import Harness, clock_of


async def test_the_words_after_task_are_what_is_to_be_done(tg: Harness) -> None:
    anna, bako, _ = await team(tg)
    [who] = await tg.send(ANNA, "/task Call the   supplier")
    assert who.text == "Who should do it?\nCall the supplier"
    assert buttons(who)[1] == [("👤 Bako", f"tw:w:{bako}:h1")]
    await tg.press(ANNA, f"tw:w:{bako}:h1", message_id=PICKER)
    await tg.press(ANNA, "tw:p:0:h1", message_id=PICKER)
    assert await task_rows(tg) == [("task", None, bako, anna, "Call the supplier")]


async def test_someone_deactivated_meanwhile_is_chosen_again_keeping_the_task(
    tg: Harness,
) -> None:
    anna, bako, cemil = await team(tg)
    not_team = "That person is not in the team any more; choose another."

    async def deactivate(user_id: int) -> None:
        async with tg.app.sessions() as session:
            (await session.get_one(User, user_id)).is_active = False
            await session.commit()

    await give(tg, ANNA, "Count the chairs", f"tw:w:{cemil}:h1")
    await deactivate(cemil)
    pressed = await tg.press(ANNA, "tw:p:0:h1", message_id=PICKER)
    assert (answer_of(pressed).text, answer_of(pressed).show_alert) == (not_team, True)
    [who] = without_answers(pressed)
    assert (who.message_id, who.text) == (PICKER, "Who should do it?\nCount the chairs")
    assert buttons(who) == [
        [("🙋 Me", f"tw:w:{anna}:h1")],
        [("👤 Bako", f"tw:w:{bako}:h1")],
        [("👑 The owners", "tw:w:0:h1")],
    ]
    await tg.press(ANNA, f"tw:w:{bako}:h1", message_id=PICKER)
    await tg.press(ANNA, "tw:t:0:h1", message_id=PICKER)
    await deactivate(bako)
    [again] = await tg.send(ANNA, "25.12 15:00")
    assert again.text == f"{not_team}\n\nWho should do it?\nCount the chairs"
    assert buttons(again) == [[("🙋 Me", f"tw:w:{anna}:h1")], [("👑 The owners", "tw:w:0:h1")]]
    assert await task_rows(tg) == []
    await tg.press(ANNA, "tw:w:0:h1", message_id=PICKER)
    await tg.press(ANNA, "tw:p:0:h1", message_id=PICKER)
    assert await task_rows(tg) == [("task", None, None, anna, "Count the chairs")]


async def test_a_task_too_long_is_refused_not_cut(tg: Harness) -> None:
    anna, _, _ = await team(tg)
    [refused] = await tg.send(ANNA, "/task " + "y" * 501)
    assert refused.text == "A task is up to 500 characters. Send a shorter one, or /cancel."
    [again] = await tg.send(ANNA, "x" * 501)
    assert again.text == refused.text
    # Still asked what is to be done.
    [who] = await tg.send(ANNA, "x" * 500)
    assert who.text == "Who should do it?\n" + "x" * 500
    await tg.press(ANNA, f"tw:w:{anna}:h1", message_id=PICKER)
    await tg.press(ANNA, "tw:p:0:h1", message_id=PICKER)
    assert await task_rows(tg) == [("task", None, anna, anna, "x" * 500)]


async def test_a_list_of_long_tasks_fits_one_message(tg: Harness) -> None:
    anna, bako, _ = await team(tg)
    now = tg.app.clock.now()
    async with tg.app.sessions() as session:
        for n in range(25):
            session.add(
                Task(
                    kind="task",
                    assignee_id=anna,
                    created_by=bako,
                    note=f"{n:02} " + "&" * 497,
                    due_at=now + timedelta(hours=n + 1),
                    created_at=now,
                    calls=0,
                    version=1,
                )
            )
        await session.commit()
    for listed in (*await tg.send(ANNA, "/tasks"), *await tg.send(OLGA, "/tasks team")):
        lines = html.unescape(re.sub(r"</?b>", "", listed.text)).splitlines()
        assert len("\n".join(lines)) <= 4096
        assert lines[1].split(" · ")[1].startswith("00 " + "&" * 76 + "…")
        assert lines[-1] == "…and 5 more"


async def test_a_task_of_someone_who_left_falls_due_to_the_owners_naming_them(
    tg: Harness,
) -> None:
    _, bako, _ = await team(tg)
    await give(tg, ANNA, "Count the chairs", f"tw:w:{bako}:h1")
    await tg.press(ANNA, "tw:p:0:h1", message_id=PICKER)
    await tg.deliver()
    async with tg.app.sessions() as session:
        (await session.get_one(User, bako)).is_active = False
        await session.commit()
    clock_of(tg).advance(timedelta(hours=1))
    assert await reminders.due_tasks(tg.app) == 1
    [due] = await tg.deliver()
    assert (due.chat_id, due.text) == (OLGA.id, "⏰ Count the chairs\nFrom Anna\n→ Bako")
    assert buttons(due)[0] == [("✅ Done", "tk:d:1:m15"), ("💤 1 h", "tk:s:1:h1")]
