"""Remind on a deal card, /tasks, and the buttons under a due reminder, as a manager uses them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiogram.methods import EditMessageText, SendMessage

from bot.sweeps import reminders
from tests.handlers.test_task_giving_deals import delivered_with_ids
from tests.support.calls import answer_of, buttons, without_answers
from tests.support.deals import ANNA, BAKO, CARD, LEYLA, make_manager, new_deal
from tests.support.harness import OWNER_ID, Harness, clock_of

PICKER = 910
NOTICE = 920


async def test_remind_in_three_hours_with_a_note_then_done_after_a_snooze(tg: Harness) -> None:
    await new_deal(tg)
    [menu] = without_answers(await tg.press(ANNA, "rm:m:1:h1", message_id=CARD))
    assert isinstance(menu, SendMessage)
    assert menu.text == "When should I remind you about request #1?"
    assert buttons(menu) == [
        [("In 1 hour", "rm:p:1:h1"), ("In 3 hours", "rm:p:1:h3")],
        [("Tomorrow 10:00", "rm:p:1:tm"), ("Next Monday 10:00", "rm:p:1:mo")],
        [("⌨️ Another time…", "rm:t:1:h1")],
    ]
    calls = await tg.press(ANNA, "rm:p:1:h3", message_id=PICKER)
    set_text = "⏰ I'll remind you about request #1 on Mar 2, 2026, 16:00."
    assert answer_of(calls).text == set_text
    [confirmed] = without_answers(calls)
    assert isinstance(confirmed, EditMessageText)
    assert (confirmed.message_id, confirmed.text) == (PICKER, set_text)
    assert buttons(confirmed) == [[("📝 Add a note", "tk:n:1:m15")]]

    [prompt] = without_answers(await tg.press(ANNA, "tk:n:1:m15", message_id=PICKER))
    assert prompt.text == "Write a note for this reminder. /cancel to stop."
    [saved] = await tg.send(ANNA, "Send the  catalogue")
    assert saved.text == "📝 Note saved: Send the catalogue"

    [listed] = await tg.send(ANNA, "/tasks")
    assert listed.text == (
        "<b>Your tasks</b>\n⏰ Mar 2, 2026, 16:00 · #1 Follow up with Leyla — Send the catalogue"
    )
    assert buttons(listed) == [[("📂 #1", "do:1")], [("➕ New task", "tw:n:0:h1")]]

    clock_of(tg).advance(timedelta(hours=3))
    assert await reminders.due_tasks(tg.app) == 1
    [due] = await tg.deliver()
    assert (due.chat_id, due.text) == (
        ANNA.id,
        "⏰ <b>Request #1</b>: Follow up with Leyla — Send the catalogue",
    )
    assert buttons(due) == [
        [("✅ Done", "tk:d:1:m15"), ("💤 1 h", "tk:s:1:h1")],
        [("📂 Open request #1", "do:1"), ("⋯ More", "tk:m:1:m15")],
    ]
    [more] = without_answers(await tg.press(ANNA, "tk:m:1:m15", message_id=NOTICE))
    assert isinstance(more, EditMessageText) and more.message_id == NOTICE
    assert more.text == due.text
    assert buttons(more) == [
        [("💤 15 min", "tk:s:1:m15"), ("💤 Tomorrow", "tk:s:1:tm")],
        [("‹ Back", "tk:b:1:m15")],
    ]
    [back] = without_answers(await tg.press(ANNA, "tk:b:1:m15", message_id=NOTICE))
    assert (back.text, buttons(back)) == (due.text, buttons(due))
    [overdue_list] = await tg.send(ANNA, "/tasks")
    assert overdue_list.text.splitlines()[1].startswith("⚠️ Mar 2, 2026, 16:00 · #1")

    calls = await tg.press(ANNA, "tk:s:1:m15", message_id=NOTICE)
    assert answer_of(calls).text == "I'll remind you again on Mar 2, 2026, 16:15."
    [snoozed] = without_answers(calls)
    assert snoozed.text.endswith("\n💤 Snoozed until Mar 2, 2026, 16:15")
    assert snoozed.reply_markup is None
    assert await reminders.due_tasks(tg.app) == 0
    clock_of(tg).advance(timedelta(minutes=15))
    assert await reminders.due_tasks(tg.app) == 1
    [again] = await tg.deliver()
    assert again.text == due.text

    for data in ("tk:d:1:m15", "tk:m:1:m15"):
        refused = await tg.press(BAKO, data, message_id=NOTICE)
        assert (answer_of(refused).text, answer_of(refused).show_alert) == (
            "Sorry, you can't do that.",
            True,
        )
        assert without_answers(refused) == []
    calls = await tg.press(ANNA, "tk:d:1:m15", message_id=NOTICE)
    assert answer_of(calls).text == "Done."
    [done] = without_answers(calls)
    assert done.text == due.text + "\n✅ Done"
    for data in ("tk:d:1:m15", "tk:m:1:m15"):
        twice = await tg.press(ANNA, data, message_id=NOTICE)
        assert (answer_of(twice).text, answer_of(twice).show_alert) == (
            "This task is done already.",
            True,
        )
        assert without_answers(twice) == []
    [empty] = await tg.send(ANNA, "/tasks")
    assert empty.text == "You have no open tasks."


async def test_a_typed_moment_is_read_in_the_company_zone(tg: Harness) -> None:
    await new_deal(tg)
    [prompt] = without_answers(await tg.press(ANNA, "rm:t:1:h1", message_id=PICKER))
    assert isinstance(prompt, EditMessageText)
    assert prompt.text.startswith("When should I remind you about request #1? Send a date")
    assert "(Asia/Baku time)" in prompt.text
    [unreadable] = await tg.send(ANNA, "soonish")
    assert unreadable.text.startswith("I couldn't read that date and time.")
    [past] = await tg.send(ANNA, "today 12:00")
    assert past.text == "That moment has passed already. Send a later one, or /cancel."
    [confirmed] = await tg.send(ANNA, "25.12 15:00")
    assert isinstance(confirmed, EditMessageText)
    assert (confirmed.message_id, confirmed.text) == (
        PICKER,
        "⏰ I'll remind you about request #1 on Dec 25, 2026, 15:00.",
    )
    [after] = await tg.send(ANNA, "tomorrow 10:00")
    assert "I couldn't read" not in (after.text or "")


async def test_a_reminder_overdue_for_a_day_reaches_the_owner_once(tg: Harness) -> None:
    await new_deal(tg)
    await tg.press(ANNA, "rm:p:1:h1", message_id=PICKER)
    clock_of(tg).advance(timedelta(hours=1))
    await reminders.due_tasks(tg.app)
    await tg.deliver()
    clock_of(tg).advance(timedelta(hours=24, minutes=1))
    assert await reminders.overdue_tasks(tg.app) == 1
    [told] = await tg.deliver()
    assert (told.chat_id, told.text) == (
        OWNER_ID,
        "⚠️ Anna has not done this for over 1 day:\nRequest #1: Follow up with Leyla",
    )
    clock_of(tg).advance(timedelta(days=2))
    assert await reminders.overdue_tasks(tg.app) == 0
    assert await tg.deliver() == []


async def test_only_the_deals_people_may_set_reminders(tg: Harness) -> None:
    await new_deal(tg)
    await make_manager(tg, BAKO.id, "Bako")
    refusals = {BAKO: "Sorry, you can't do that.", LEYLA: "Извините, вам это недоступно."}
    for intruder, refusal in refusals.items():
        for data in ("rm:m:1:h1", "rm:p:1:h1", "rm:t:1:h1"):
            answer = answer_of(await tg.press(intruder, data))
            assert (answer.text, answer.show_alert) == (refusal, True), data
    [none] = await tg.send(BAKO, "/tasks")
    assert none.text == "You have no open tasks."


async def test_a_reply_to_ones_own_reminder_goes_to_the_customer(
    tg: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await new_deal(tg)
    await tg.press(ANNA, "rm:p:1:h1", message_id=PICKER)
    clock_of(tg).advance(timedelta(hours=1))
    assert await reminders.due_tasks(tg.app) == 1
    [(due, due_id)] = await delivered_with_ids(tg, monkeypatch)
    assert due.chat_id == ANNA.id
    [sent] = await tg.send(ANNA, "Your chairs are ready", reply_to=due_id)
    assert sent.text == "Sent to the customer of request #1."
    [relayed] = await tg.deliver()
    assert relayed.chat_id == LEYLA.id
    assert relayed.text.endswith("\nYour chairs are ready")
