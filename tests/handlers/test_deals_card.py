"""The deal card's buttons: stage moves, customer notices, stale cards and double presses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import EditMessageText, SendMessage, TelegramMethod
from sqlalchemy import select

from services.db.deals import Event
from tests.support.calls import answer_of, buttons, without_answers
from tests.support.deals import (
    ANNA,
    CARD,
    LEYLA,
    OLGA,
    STALE,
    deal,
    new_deal,
    taken_keyboard,
)
from tests.support.harness import Harness, person


async def event_kinds(tg: Harness) -> list[tuple[str, str | None, str | None]]:
    async with tg.app.sessions() as session:
        rows = await session.execute(
            select(Event.kind, Event.from_value, Event.to_value).order_by(Event.id)
        )
        return [tuple(r) for r in rows.all()]  # type: ignore[misc]


def card_lines(call: Any) -> list[str]:
    return str(call.text).splitlines()


async def test_next_stage_edits_the_card_and_tells_the_customer_in_their_language(
    tg: Harness,
) -> None:
    card = await new_deal(tg)
    assert buttons(card) == [
        [("✅ Take", "d:t:1"), ("↩️ Reply", "d:r:1")],
        [("⋯ More", "dk:v:1:1:0")],
    ]
    [taken] = without_answers(await tg.press(ANNA, "d:t:1", message_id=CARD))
    assert buttons(taken) == taken_keyboard(2, "➡️ Contacted")

    calls = await tg.press(ANNA, "dk:n:1:2:0", message_id=CARD)
    assert answer_of(calls).text == "Moved to Contacted."
    [edit] = without_answers(calls)
    assert isinstance(edit, EditMessageText)
    assert (edit.chat_id, edit.message_id) == (ANNA.id, CARD)
    assert card_lines(edit)[:2] == ["<b>Request #1</b>", "📍 Contacted ▰▰▱▱▱"]
    assert buttons(edit) == taken_keyboard(3, "➡️ Proposal")

    [notice] = await tg.deliver()
    assert isinstance(notice, SendMessage)
    assert (notice.chat_id, notice.text) == (LEYLA.id, "Ваша заявка №1 теперь: Связались")
    assert (await deal(tg)).stage_id == 2
    assert (await event_kinds(tg))[-1] == ("stage", "1", "2")

    # Proposal does not notify the customer; Invoice sent does.
    await tg.press(ANNA, "dk:n:1:3:0", message_id=CARD)
    assert await tg.deliver() == []
    await tg.press(ANNA, "dk:n:1:4:0", message_id=CARD)
    [notice] = await tg.deliver()
    assert notice.text == "Ваша заявка №1 теперь: Счёт выставлен"


async def test_a_double_press_moves_once_and_the_second_refreshes_the_card(tg: Harness) -> None:
    await new_deal(tg)
    first = await tg.press(ANNA, "dk:n:1:1:0", message_id=CARD)
    second = await tg.press(ANNA, "dk:n:1:1:0", message_id=CARD)
    assert answer_of(first).text == "Moved to Contacted."
    assert answer_of(second).text == STALE
    [refreshed] = without_answers(second)
    assert card_lines(refreshed)[1] == "📍 Contacted ▰▰▱▱▱"
    assert buttons(refreshed) == [
        [("✅ Take", "d:t:1"), ("↩️ Reply", "d:r:1")],
        [("⋯ More", "dk:v:1:2:0")],
    ]
    current = await deal(tg)
    assert (current.stage_id, current.version) == (2, 2)
    assert [e for e in await event_kinds(tg) if e[0] == "stage"] == [("stage", "1", "2")]
    assert len(await tg.deliver()) == 1


async def test_a_card_made_stale_by_someone_else_is_refreshed_not_acted_on(tg: Harness) -> None:
    await new_deal(tg)
    await tg.send(OLGA, "/start")
    opened = await tg.press(OLGA, "do:1")
    [owner_card] = without_answers(opened)
    assert buttons(owner_card)[-1] == [("⋯ More", "dk:v:1:1:0")]
    await tg.press(ANNA, "dk:n:1:1:0", message_id=CARD)

    for data in ("dk:n:1:1:0", "dk:g:1:1:5", "dk:s:1:1:0", "dk:x:1:1:0", "dk:a:1:1:0"):
        calls = await tg.press(OLGA, data, message_id=777)
        assert answer_of(calls).text == STALE, data
        [refreshed] = without_answers(calls)
        assert (refreshed.chat_id, refreshed.message_id) == (OLGA.id, 777)
        assert card_lines(refreshed)[1] == "📍 Contacted ▰▰▱▱▱"
        assert buttons(refreshed)[-1] == [("⋯ More", "dk:v:1:2:0")]
    current = await deal(tg)
    assert (current.stage_id, current.version, current.closed_at) == (2, 2, None)
    assert await tg.app.dispatcher.storage.get_state(tg_key(tg, OLGA.id)) is None


def tg_key(tg: Harness, user_id: int) -> StorageKey:
    return StorageKey(bot_id=tg.app.bot.id, chat_id=user_id, user_id=user_id)


async def test_stage_picker_and_won_close_the_deal_and_the_owner_reopens(tg: Harness) -> None:
    await new_deal(tg)
    calls = await tg.press(ANNA, "dk:s:1:1:0", message_id=CARD)
    [picker] = without_answers(calls)
    assert card_lines(picker)[0] == "<b>Request #1</b>"
    assert buttons(picker) == [
        [("✓ New", "dk:g:1:1:1")],
        [("Contacted", "dk:g:1:1:2")],
        [("Proposal", "dk:g:1:1:3")],
        [("Invoice sent", "dk:g:1:1:4")],
        [("Won", "dk:g:1:1:5")],
        [("« Back to the card", "dk:c:1:1:0")],
    ]
    back = await tg.press(ANNA, "dk:c:1:1:0", message_id=CARD)
    assert buttons(without_answers(back)[0])[-1] == [("⋯ More", "dk:v:1:1:0")]
    same = await tg.press(ANNA, "dk:g:1:1:1", message_id=CARD)
    assert answer_of(same).text == "The request is at this stage already."

    await tg.press(ANNA, "dk:g:1:1:3", message_id=CARD)
    tg.app.clock.advance(timedelta(hours=2))  # type: ignore[attr-defined]
    calls = await tg.press(ANNA, "dk:g:1:2:5", message_id=CARD)
    assert answer_of(calls).text == "Moved to Won."
    [won] = without_answers(calls)
    assert card_lines(won)[1] == "🏆 Won"
    assert card_lines(won)[-1] == "🏁 Closed Mar 2, 2026, 15:00"
    assert buttons(won) == [
        [("⏰ Remind", "rm:m:1:h1"), ("🗂 Documents", "dc:l:1")],
        [("⋯ More", "dk:v:1:3:0")],
    ]
    [more] = without_answers(await tg.press(ANNA, "dk:v:1:3:0", message_id=CARD))
    assert buttons(more) == [
        [("↩️ Reply", "d:r:1"), ("📝 Note", "dk:o:1:3:0")],
        [("📜 History", "dk:h:1:3:0"), ("🧾 Fields", "fv:l:1:0:0")],
        [("📌 Task", "tw:d:1:h1"), ("📄 Contract", "ct:e:1")],
        [("👤 Customer", "cu:q:1:0:0")],
        [("‹ Back", "dk:c:1:3:0")],
    ]
    assert (await deal(tg)).closed_at == tg.app.clock.now()
    notice, feedback = await tg.deliver()
    assert notice.text == "Ваша заявка №1 теперь: Успешно"
    assert feedback.text.startswith("Как мы справились с вашей заявкой №1?")

    refused = await tg.press(ANNA, "dk:u:1:3:0", message_id=CARD)
    assert answer_of(refused).text == "Sorry, you can't do that."
    closed = await tg.press(ANNA, "dk:n:1:3:0", message_id=CARD)
    assert answer_of(closed).text == "This request is closed. The owner can reopen it."

    [owner_card] = without_answers(await tg.press(OLGA, "do:1"))
    assert buttons(owner_card) == [
        [("⏰ Remind", "rm:m:1:h1"), ("🗂 Documents", "dc:l:1")],
        [("⋯ More", "dk:v:1:3:0")],
    ]
    [owner_more] = without_answers(await tg.press(OLGA, "dk:v:1:3:0", message_id=778))
    assert buttons(owner_more)[-3:] == [
        [("📌 Task", "tw:d:1:h1"), ("📄 Contract", "ct:e:1")],
        [("👤 Customer", "cu:q:1:0:0"), ("🔓 Reopen", "dk:u:1:3:0")],
        [("‹ Back", "dk:c:1:3:0")],
    ]
    calls = await tg.press(OLGA, "dk:u:1:3:0", message_id=778)
    assert answer_of(calls).text == "Reopened at Proposal."
    reopened = await deal(tg)
    assert (reopened.stage_id, reopened.closed_at, reopened.version) == (3, None, 4)
    assert (await event_kinds(tg))[-1] == ("reopened", "5", "3")


async def test_lost_with_a_listed_reason_and_with_own_words(tg: Harness) -> None:
    await new_deal(tg)
    await new_deal(tg, person(101, "Rauf"), "Need a table")
    calls = await tg.press(ANNA, "dk:l:1:1:0", message_id=CARD)
    assert buttons(without_answers(calls)[0]) == [
        [("price", "dk:x:1:1:0")],
        [("no answer", "dk:x:1:1:1")],
        [("chose a competitor", "dk:x:1:1:2")],
        [("not needed", "dk:x:1:1:3")],
        [("other…", "dk:x:1:1:4")],
        [("« Back to the card", "dk:c:1:1:0")],
    ]
    calls = await tg.press(ANNA, "dk:x:1:1:0", message_id=CARD)
    assert answer_of(calls).text == "Request #1 is closed as lost."
    assert card_lines(without_answers(calls)[0])[1] == "❌ Lost: price"
    lost = await deal(tg)
    assert (lost.stage_id, lost.lost_reason, lost.closed_at is not None) == (6, "price", True)
    assert (await event_kinds(tg))[-2:] == [("stage", "1", "6"), ("lost_reason", None, "price")]

    calls = await tg.press(ANNA, "dk:x:2:1:4", message_id=CARD + 1)
    [prompt] = without_answers(calls)
    assert prompt.text == "Why was request #2 lost? Write it in a few words. /cancel to stop."
    [done] = (c for c in await tg.send(ANNA, "Too far <away>") if isinstance(c, SendMessage))
    assert done.text == "Request #2 is closed as lost."
    assert (await deal(tg, 2)).lost_reason == "other:Too far <away>"
    [edit] = [c for c in tg.recorder.calls if isinstance(c, EditMessageText)][-1:]
    assert edit.message_id == CARD + 1
    assert card_lines(edit)[1] == "❌ Lost: Too far &lt;away&gt;"


async def test_unchanged_or_uneditable_cards_are_handled(tg: Harness) -> None:
    await new_deal(tg)
    original = tg.recorder.make_request

    async def refusing(bot: Any, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        if isinstance(method, EditMessageText):
            tg.recorder.calls.append(method)
            raise TelegramBadRequest(method, refusal)
        return await original(bot, method, timeout)

    tg.recorder.make_request = refusing  # type: ignore[method-assign]
    refusal = "Bad Request: message is not modified"
    calls = await tg.press(ANNA, "dk:c:1:1:0", message_id=CARD)
    assert [type(c).__name__ for c in without_answers(calls)] == ["EditMessageText"]
    assert answer_of(calls).text is None

    refusal = "Bad Request: message can't be edited"
    calls = await tg.press(ANNA, "dk:n:1:1:0", message_id=CARD)
    _edit, resent = without_answers(calls)
    assert isinstance(resent, SendMessage) and resent.chat_id == ANNA.id
    assert card_lines(resent)[1] == "📍 Contacted ▰▰▱▱▱"
    assert buttons(resent)[-1] == [("⋯ More", "dk:v:1:2:0")]
