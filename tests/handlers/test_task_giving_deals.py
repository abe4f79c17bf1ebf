"""📌 Task on a deal card: the deal's manager or an owner gives a task on that deal to
themselves, to someone else who works on it or to the owners; it shows with the deal's number
wherever the task does, opens the deal, and is in the deal's history. Anyone else, a forged
deal or a button pressed again changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from aiogram.methods import SendMessage
from sqlalchemy import select

from bot.sweeps import reminders
from services.db.deals import Deal, Message
from tests.handlers.test_task_giving import PASSED, PICKER, REFUSED, task_rows, user_id
from tests.support.calls import answer_of, buttons, without_answers
from tests.support.deals import ANNA, BAKO, CARD, LEYLA, OLGA, make_manager, new_deal
from tests.support.harness import Harness, clock_of

ASKED = "What is to be done on request #1? Write it in a few words. /cancel to stop."
NOT_ON_DEAL = "That person doesn't work on this request; choose another."


async def anna_s_deal_and_bako(tg: Harness) -> tuple[int, int]:
    """Request #1 is Anna's, taken; Bako is another manager."""
    await new_deal(tg)
    await tg.press(ANNA, "d:t:1", message_id=CARD)
    await make_manager(tg, BAKO.id, "Bako")
    await tg.send(OLGA, "/start")
    tg.recorder.calls.clear()
    return await user_id(tg, ANNA.id), await user_id(tg, BAKO.id)


async def test_the_manager_gives_the_owners_a_task_on_the_deal(tg: Harness) -> None:
    anna, bako = await anna_s_deal_and_bako(tg)
    pressed = await tg.press(ANNA, "tw:d:1:h1", message_id=CARD)
    [asked] = without_answers(pressed)
    assert isinstance(asked, SendMessage) and (asked.chat_id, asked.text) == (ANNA.id, ASKED)
    # Pressed again while asked: not asked twice.
    again = await tg.press(ANNA, "tw:d:1:h1", message_id=CARD)
    assert without_answers(again) == [] and answer_of(again).text == ASKED

    [who] = await tg.send(ANNA, "Send the  invoice")
    assert who.text == "Who should do it?\nRequest #1: Send the invoice"
    # Bako does not work on the request: not offered, and refused when forged.
    assert buttons(who) == [[("🙋 Me", f"tw:w:{anna}:h1")], [("👑 The owners", "tw:w:0:h1")]]
    forged = answer_of(await tg.press(ANNA, f"tw:w:{bako}:h1", message_id=PICKER))
    assert (forged.text, forged.show_alert) == (NOT_ON_DEAL, True)
    [when] = without_answers(await tg.press(ANNA, "tw:w:0:h1", message_id=PICKER))
    assert when.text == "When is it due?\nRequest #1: Send the invoice"
    [given] = without_answers(await tg.press(ANNA, "tw:p:0:tm", message_id=PICKER))
    assert (given.message_id, given.text) == (
        PICKER,
        "📌 Given to the owners, due Mar 3, 2026, 10:00:\nRequest #1: Send the invoice",
    )
    assert await task_rows(tg) == [("task", 1, None, anna, "Send the invoice")]
    twice = answer_of(await tg.press(ANNA, "tw:p:0:h1", message_id=PICKER))
    assert (twice.text, twice.show_alert) == (PASSED, True)
    assert len(await task_rows(tg)) == 1

    [told] = await tg.deliver()
    assert (told.chat_id, told.text) == (
        OLGA.id,
        "📌 Anna gave the owners a task, due Mar 3, 2026, 10:00:\nRequest #1: Send the invoice",
    )
    assert buttons(told) == [[("✅ Done", "tk:d:1:m15"), ("📂 Open request #1", "do:1")]]
    [listed] = await tg.send(OLGA, "/tasks")
    assert listed.text == (
        "<b>Your tasks</b>\n⏰ Mar 3, 2026, 10:00 · #1 Send the invoice → the owners (from Anna)"
    )
    [history] = without_answers(await tg.press(ANNA, "dk:h:1:2:0", message_id=CARD))
    line = "Mar 2, 2026, 13:00 · Anna: 📌 task for the owners, due Mar 3, 2026, 10:00"
    assert line in history.text.splitlines()
    # What the task is to do stays with whom it is for: the request's manager reads its history.
    assert "Send the invoice" not in history.text

    clock_of(tg).advance(timedelta(hours=21))
    assert await reminders.due_tasks(tg.app) == 1
    [due] = await tg.deliver()
    assert (due.chat_id, due.text) == (
        OLGA.id,
        "⏰ <b>Request #1</b>: Send the invoice\nFrom Anna\nFor the owners",
    )
    assert buttons(due) == [
        [("✅ Done", "tk:d:1:m15"), ("💤 1 h", "tk:s:1:h1")],
        [("📂 Open request #1", "do:1"), ("⋯ More", "tk:m:1:m15")],
    ]
    [card] = without_answers(await tg.press(OLGA, "do:1"))
    assert (card.chat_id, card.text.splitlines()[0]) == (OLGA.id, "<b>Request #1</b>")


async def test_an_owner_gives_the_deal_s_manager_a_task_on_it(tg: Harness) -> None:
    anna, bako = await anna_s_deal_and_bako(tg)
    olga = await user_id(tg, OLGA.id)
    await tg.press(OLGA, "tw:d:1:h1", message_id=CARD)
    [who] = await tg.send(OLGA, "Call the customer about delivery")
    assert buttons(who) == [
        [("🙋 Me", f"tw:w:{olga}:h1")],
        [("👤 Anna", f"tw:w:{anna}:h1")],
        [("👑 The owners", "tw:w:0:h1")],
    ]
    await tg.press(OLGA, f"tw:w:{anna}:h1", message_id=PICKER)
    # Handed over to Bako before the moment is picked: who does it is asked again.
    async with tg.app.sessions() as session:
        (await session.get_one(Deal, 1)).manager_id = bako
        await session.commit()
    pressed = await tg.press(OLGA, "tw:p:0:h1", message_id=PICKER)
    assert (answer_of(pressed).text, answer_of(pressed).show_alert) == (NOT_ON_DEAL, True)
    [again] = without_answers(pressed)
    assert again.text == "Who should do it?\nRequest #1: Call the customer about delivery"
    assert buttons(again)[1] == [("👤 Bako", f"tw:w:{bako}:h1")]
    assert await task_rows(tg) == []
    await tg.press(OLGA, f"tw:w:{bako}:h1", message_id=PICKER)
    await tg.press(OLGA, "tw:p:0:h1", message_id=PICKER)
    assert await task_rows(tg) == [("task", 1, bako, olga, "Call the customer about delivery")]
    [history] = without_answers(await tg.press(BAKO, "dk:h:1:2:0", message_id=CARD))
    line = "Mar 2, 2026, 13:00 · Olga: 📌 task for Bako, due Mar 2, 2026, 14:00"
    assert line in history.text.splitlines()
    assert "Call the customer" not in history.text

    [told] = await tg.deliver()
    assert (told.chat_id, told.text) == (
        BAKO.id,
        "📌 Olga gave you a task, due Mar 2, 2026, 14:00:\n"
        "Request #1: Call the customer about delivery",
    )
    [mine] = await tg.send(BAKO, "/tasks")
    assert mine.text == (
        "<b>Your tasks</b>\n"
        "⏰ Mar 2, 2026, 14:00 · #1 Call the customer about delivery (from Olga)"
    )
    assert answer_of(await tg.press(BAKO, "tk:d:1:m15")).text == "Done."
    [heard] = await tg.deliver()
    assert (heard.chat_id, heard.text) == (
        OLGA.id,
        "✅ Bako has done the task you gave:\nRequest #1: Call the customer about delivery",
    )


async def test_only_who_works_on_the_deal_gives_a_task_on_it(tg: Harness) -> None:
    anna, _ = await anna_s_deal_and_bako(tg)
    not_found = ("Not found: it may have been removed.", True)
    for who, data, refusal in (
        (BAKO, "tw:d:1:h1", REFUSED),
        (LEYLA, "tw:d:1:h1", ("Извините, вам это недоступно.", True)),
        (ANNA, "tw:d:999:h1", not_found),
    ):
        calls = await tg.press(who, data, message_id=CARD)
        assert (answer_of(calls).text, answer_of(calls).show_alert) == refusal, data
        assert without_answers(calls) == []
    # Nor is what Bako then types taken for a task.
    [typed] = await tg.send(BAKO, "Take it from me")
    assert typed.text.startswith("To answer a customer, tap Reply under their request")
    # Handed over while Anna gives it: the task is refused and none is made.
    await tg.press(ANNA, "tw:d:1:h1", message_id=CARD)
    await tg.send(ANNA, "Check the stock")
    await tg.press(ANNA, f"tw:w:{anna}:h1", message_id=PICKER)
    async with tg.app.sessions() as session:
        (await session.get_one(Deal, 1)).manager_id = None
        await session.commit()
    late = answer_of(await tg.press(ANNA, "tw:p:0:h1", message_id=PICKER))
    assert (late.text, late.show_alert) == REFUSED
    assert await task_rows(tg) == []
    assert await tg.deliver() == []


async def delivered_with_ids(
    tg: Harness, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[Any, int]]:
    """Delivered, each with the message id Telegram gave it: what a reply is made to."""
    given: list[int] = []
    real = tg.recorder._result

    def result(method: Any) -> Any:
        answer = real(method)
        given.append(answer.message_id)
        return answer

    with monkeypatch.context() as patched:
        patched.setattr(tg.recorder, "_result", result)
        calls = await tg.deliver()
    return list(zip(calls, given, strict=True))


async def test_a_reply_to_a_task_notice_stays_in_the_team(
    tg: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The notice of a task given on a request, and its due notice, open the request, but a
    Telegram reply to either is not sent to the request's customer."""
    await anna_s_deal_and_bako(tg)
    await tg.press(ANNA, "tw:d:1:h1", message_id=CARD)
    await tg.send(ANNA, "Approve the 15% discount for this one")
    await tg.press(ANNA, "tw:w:0:h1", message_id=PICKER)
    await tg.press(ANNA, "tw:p:0:tm", message_id=PICKER)
    [(told, given)] = await delivered_with_ids(tg, monkeypatch)
    assert told.chat_id == OLGA.id
    assert buttons(told)[0][1] == ("📂 Open request #1", "do:1")
    clock_of(tg).advance(timedelta(hours=21))
    assert await reminders.due_tasks(tg.app) == 1
    [(due, due_id)] = await delivered_with_ids(tg, monkeypatch)
    assert due.chat_id == OLGA.id
    assert buttons(due)[1][0] == ("📂 Open request #1", "do:1")

    for notice in (given, due_id):
        [said] = await tg.send(OLGA, "No, 10% max - he's a tough one", reply_to=notice)
        assert said.text == (
            "That message isn't linked to a request. "
            "Reply to a request card or to a customer's message."
        )
        assert await tg.deliver() == []
    async with tg.app.sessions() as session:
        said_out = await session.scalars(select(Message.text).where(Message.direction == "out"))
        assert list(said_out) == []


USUAL = "To answer a customer, tap Reply under their request"


async def hand_to(tg: Harness, manager_id: int | None) -> None:
    async with tg.app.sessions() as session:
        (await session.get_one(Deal, 1)).manager_id = manager_id
        await session.commit()


async def test_handed_over_at_any_step_the_task_is_refused_once_and_the_steps_end(
    tg: Harness,
) -> None:
    """Whatever Anna does next is refused once, and then taken as it is: a word to a
    customer's request is not answered as a task she may not give."""
    anna, bako = await anna_s_deal_and_bako(tg)

    # While she writes what is to be done.
    await tg.press(ANNA, "tw:d:1:h1", message_id=CARD)
    await hand_to(tg, bako)
    [refused] = await tg.send(ANNA, "Check the stock")
    assert refused.text == REFUSED[0]
    [usual] = await tg.send(ANNA, "hello?")
    assert usual.text.startswith(USUAL)

    # While she picks who does it.
    await hand_to(tg, anna)
    await tg.press(ANNA, "tw:d:1:h1", message_id=CARD)
    await tg.send(ANNA, "Check the stock")
    await hand_to(tg, bako)
    pressed = await tg.press(ANNA, f"tw:w:{anna}:h1", message_id=PICKER)
    assert (answer_of(pressed).text, answer_of(pressed).show_alert) == REFUSED
    assert without_answers(pressed) == []
    again = answer_of(await tg.press(ANNA, "tw:w:0:h1", message_id=PICKER))
    assert (again.text, again.show_alert) == (PASSED, True)

    # While she picks when it is due, or types when.
    for pick, then in (("tw:p:0:h1", "tw:p:0:h1"), ("tw:t:0:h1", "tomorrow 10:00")):
        await hand_to(tg, anna)
        await tg.press(ANNA, "tw:d:1:h1", message_id=CARD)
        await tg.send(ANNA, "Check the stock")
        await tg.press(ANNA, "tw:w:0:h1", message_id=PICKER)
        if pick != then:
            await tg.press(ANNA, pick, message_id=PICKER)
        await hand_to(tg, bako)
        if then.startswith("tw:"):
            late = answer_of(await tg.press(ANNA, then, message_id=PICKER))
            assert (late.text, late.show_alert) == REFUSED
            twice = answer_of(await tg.press(ANNA, then, message_id=PICKER))
            assert (twice.text, twice.show_alert) == (PASSED, True)
        else:
            [late_typed] = await tg.send(ANNA, then)
            assert late_typed.text == REFUSED[0]
        [usual] = await tg.send(ANNA, "hello?")
        assert usual.text.startswith(USUAL), pick
    assert await task_rows(tg) == []
    assert await tg.deliver() == []


async def test_no_task_is_given_on_a_request_closed_as_lost(tg: Harness) -> None:
    """Its card offers no 📌 Task; a forged press is refused, and so is the task being given
    when the request is closed meanwhile."""
    await anna_s_deal_and_bako(tg)
    await tg.press(ANNA, "tw:d:1:h1", message_id=CARD)
    await tg.press(ANNA, "dk:l:1:2:0", message_id=CARD)
    lost = await tg.press(ANNA, "dk:x:1:2:0", message_id=CARD)
    assert answer_of(lost).text == "Request #1 is closed as lost."
    closed = "This request is closed. The owner can reopen it."
    [refused] = await tg.send(ANNA, "Check the stock")
    assert refused.text == closed
    [usual] = await tg.send(ANNA, "hello?")
    assert usual.text.startswith(USUAL)
    for who in (ANNA, OLGA):
        calls = await tg.press(who, "tw:d:1:h1", message_id=CARD)
        assert (answer_of(calls).text, answer_of(calls).show_alert) == (closed, True)
        assert without_answers(calls) == []
    assert await task_rows(tg) == []
