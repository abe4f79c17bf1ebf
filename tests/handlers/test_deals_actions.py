"""Amount, notes, hand-over, history and refusals, as managers and the owner use them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from aiogram.methods import EditMessageText, SendMessage
from sqlalchemy import select

from services.db.deals import ChatMessage, Deal, Event
from services.db.users import User
from tests.support.calls import answer_of, buttons, sent_to, without_answers
from tests.support.deals import (
    ANNA,
    BAKO,
    CARD,
    LEYLA,
    OLGA,
    deal,
    make_manager,
    more_buttons,
    new_deal,
)
from tests.support.harness import Harness, person

AYSEL = person(202, "Aysel", "az")


async def user_id(tg: Harness, tg_id: int) -> int:
    async with tg.app.sessions() as session:
        return (await session.scalars(select(User.id).where(User.tg_id == tg_id))).one()


async def test_amount_is_read_in_the_readers_locale_and_bad_input_changes_nothing(
    tg: Harness,
) -> None:
    await new_deal(tg)
    [prompt] = without_answers(await tg.press(ANNA, "dk:a:1:1:0", message_id=CARD))
    assert prompt.text == "Send the amount for request #1, like 1,500.50. /cancel to stop."
    for typed, answer in (
        ("1 500,50", "That doesn't look like an amount."),
        ("twelve", "That doesn't look like an amount."),
        ("1e5", "That doesn't look like an amount."),
        ("-1500", "The amount can't be negative; nothing was changed."),
    ):
        [refusal] = await tg.send(ANNA, typed)
        assert refusal.text.startswith(answer), typed
    assert ((await deal(tg)).amount, (await deal(tg)).version) == (None, 1)

    edit, done = await tg.send(ANNA, "1,500.50")
    assert isinstance(edit, EditMessageText)
    assert (edit.chat_id, edit.message_id) == (ANNA.id, CARD)
    assert "💰 AZN1,500.50" in edit.text.splitlines()
    assert buttons(edit) == [
        [("✅ Take", "d:t:1"), ("↩️ Reply", "d:r:1")],
        [("⋯ More", "dk:v:1:2:0")],
    ]
    assert (await more_buttons(tg, ANNA, "dk:v:1:2:0"))[1][0] == ("💰 Amount", "dk:a:1:2:0")
    assert done.text == "Amount of request #1: AZN1,500.50."
    current = await deal(tg)
    assert (current.amount, current.version) == (Decimal("1500.50"), 2)
    async with tg.app.sessions() as session:
        event = (await session.scalars(select(Event).where(Event.kind == "amount"))).one()
    assert (event.from_value, event.to_value) == (None, "1500.50")

    [after] = await tg.send(ANNA, "2000")
    assert after.text.startswith("To answer a customer, tap Reply")


async def test_amount_in_azerbaijani_and_cancel(tg: Harness) -> None:
    await make_manager(tg, AYSEL.id, "Aysel")
    await tg.send(LEYLA, "Salam")
    await tg.deliver()
    [prompt] = without_answers(await tg.press(AYSEL, "dk:a:1:1:0", message_id=CARD))
    assert "1.500,50" in prompt.text
    [_edit, done] = await tg.send(AYSEL, "1 500,50")
    assert (await deal(tg)).amount == Decimal("1500.50")
    assert "1.500,50" in done.text

    await tg.press(AYSEL, "dk:a:1:2:0", message_id=CARD)
    [cancelled] = await tg.send(AYSEL, "/cancel")
    assert isinstance(cancelled, SendMessage)
    assert (await deal(tg)).version == 2


async def test_a_note_is_kept_in_history_with_who_and_when_in_the_readers_zone(
    tg: Harness,
) -> None:
    await new_deal(tg)
    await tg.send(OLGA, "/start")
    tg.app.clock.advance(timedelta(minutes=30))  # type: ignore[attr-defined]
    [prompt] = without_answers(await tg.press(ANNA, "dk:o:1:1:0", message_id=CARD))
    assert prompt.text == ("Write a note for request #1; only the team sees it. /cancel to stop.")
    edit, done = await tg.send(ANNA, "Call after <5pm>")
    assert done.text == "Note added to request #1."
    assert "last activity just now" in edit.text
    await tg.press(ANNA, "dk:n:1:2:0", message_id=CARD)
    await tg.press(OLGA, "dk:r:1:3:0", message_id=CARD)

    calls = await tg.press(ANNA, "dk:h:1:3:0", message_id=CARD)
    [history] = without_answers(calls)
    assert history.text.splitlines() == [
        "<b>Request #1: history</b>",
        "Mar 2, 2026, 13:00 · Leyla: request created (Telegram)",
        "Mar 2, 2026, 13:00 · assigned to Anna",
        "Mar 2, 2026, 13:00 · Leyla: 💬 Need 20 chairs",
        "Mar 2, 2026, 13:30 · Anna: 📝 Call after &lt;5pm&gt;",
        "Mar 2, 2026, 13:30 · Anna: stage New → Contacted",
    ]
    assert buttons(history) == [[("« Back to the card", "dk:c:1:3:0")]]


async def test_history_pages_back_in_time(tg: Harness) -> None:
    await new_deal(tg)
    for number in range(12):
        tg.app.clock.advance(timedelta(minutes=1))  # type: ignore[attr-defined]
        await tg.press(ANNA, f"dk:o:1:{number + 1}:0", message_id=CARD)
        await tg.send(ANNA, f"note {number}")
    [latest] = without_answers(await tg.press(ANNA, "dk:h:1:13:0", message_id=CARD))
    lines = latest.text.splitlines()
    assert lines[0] == "<b>Request #1: history</b> (page 1 of 2)"
    assert lines[-1].endswith("Anna: 📝 note 11") and len(lines) == 11
    assert buttons(latest) == [
        [("‹ Earlier", "dk:h:1:13:1")],
        [("« Back to the card", "dk:c:1:13:0")],
    ]
    [earlier] = without_answers(await tg.press(ANNA, "dk:h:1:13:1", message_id=CARD))
    assert earlier.text.splitlines()[1].endswith("Leyla: request created (Telegram)")
    assert buttons(earlier)[0] == [("Later ›", "dk:h:1:13:0")]


async def test_owner_reassigns_and_both_managers_are_told(tg: Harness) -> None:
    await new_deal(tg)
    await make_manager(tg, BAKO.id, "Bako")
    await tg.send(OLGA, "/start")
    [picker] = without_answers(await tg.press(OLGA, "dk:r:1:1:0", message_id=CARD))
    bako = await user_id(tg, BAKO.id)
    assert buttons(picker) == [
        [("Olga", "dk:m:1:1:1")],
        [("Bako", f"dk:m:1:1:{bako}")],
        [("« Back to the card", "dk:c:1:1:0")],
    ]
    calls = await tg.press(OLGA, f"dk:m:1:1:{bako}", message_id=CARD)
    assert answer_of(calls).text == "Handed over to Bako."
    assert "👔 Bako, not taken yet" in without_answers(calls)[0].text.splitlines()
    calls = await tg.deliver()
    redrawn, told = sent_to(calls, ANNA.id)
    assert isinstance(redrawn, EditMessageText) and redrawn.reply_markup is None
    assert "👔 Bako, not taken yet" in redrawn.text.splitlines()
    assert told.text == "Olga handed request #1 over to Bako."
    delivered = {c.chat_id: c for c in calls}
    assert delivered[BAKO.id].text.startswith("<b>Request #1</b>")
    assert buttons(delivered[BAKO.id])[0] == [("✅ Take", "d:t:1"), ("↩️ Reply", "d:r:1")]
    assert (await deal(tg)).manager_id == bako

    refused = await tg.press(ANNA, "dk:n:1:2:0", message_id=CARD)
    assert answer_of(refused).text == "Sorry, you can't do that."
    [relayed] = (await tg.send(LEYLA, "Hello?"), await tg.deliver())[1]
    assert relayed.chat_id == BAKO.id


async def test_a_manager_hands_over_and_keeps_a_card_without_buttons(tg: Harness) -> None:
    await new_deal(tg)
    await make_manager(tg, BAKO.id, "Bako")
    calls = await tg.press(ANNA, f"dk:m:1:1:{await user_id(tg, BAKO.id)}", message_id=CARD)
    assert answer_of(calls).text == "Handed over to Bako."
    [edit] = without_answers(calls)
    assert edit.reply_markup is None
    [card] = await tg.deliver()
    assert card.chat_id == BAKO.id
    async with tg.app.sessions() as session:
        shown = await session.scalar(select(ChatMessage).where(ChatMessage.chat_id == BAKO.id))
    assert shown is not None and shown.deal_id == 1


async def test_refusals_change_nothing(tg: Harness) -> None:
    customer = person(LEYLA.id, "Leyla", "en")
    await new_deal(tg, customer)
    await make_manager(tg, BAKO.id, "Bako")
    for intruder in (customer, BAKO):
        for data in ("dk:n:1:1:0", "dk:s:1:1:0", "dk:a:1:1:0", "dk:h:1:1:0", "dk:r:1:1:0", "do:1"):
            calls = await tg.press(intruder, data)
            answer = answer_of(calls)
            assert (answer.text, answer.show_alert) == ("Sorry, you can't do that.", True), data
            assert without_answers(calls) == []
    forged = {
        "dk:g:1:1:6": "Not found: it may have been removed.",
        "dk:g:1:1:99": "Not found: it may have been removed.",
        "dk:m:1:1:99": "Not found: it may have been removed.",
        "dk:m:1:1:2": "This request is with that person already.",
        "dk:x:1:1:9": "Choose one of the offered reasons.",
        "dk:n:7:1:0": "Not found: it may have been removed.",
        "dk:n:1:x:0": "This button is no longer available.",
    }
    for data, text in forged.items():
        assert answer_of(await tg.press(ANNA, data)).text == text, data
    customer_id = await user_id(tg, LEYLA.id)
    assert answer_of(await tg.press(ANNA, f"dk:m:1:1:{customer_id}")).text.startswith("Not found")
    current = await deal(tg)
    assert (current.stage_id, current.version, current.manager_id) == (1, 1, 2)
    async with tg.app.sessions() as session:
        assert await session.scalar(select(Deal).where(Deal.closed_at.is_not(None))) is None
