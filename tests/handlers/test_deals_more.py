"""A card a thumb can use: the few actions that fit the deal's state and the reader's role,
the rest behind ⋯ More, which comes back with ‹ Back; a phone-only customer's card offers
📞 Call, which copies the number, instead of a Reply that cannot reach them."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import EditMessageText

from services.calls import CallEvent, record_call
from tests.support.calls import answer_of, buttons, sent_to, without_answers
from tests.support.deals import (
    ANNA,
    CARD,
    OLGA,
    STALE,
    make_manager,
    more_buttons,
    new_deal,
    taken_keyboard,
    taken_more,
)
from tests.support.harness import Harness, person


async def test_more_and_back_edit_the_card_in_place(tg: Harness) -> None:
    await new_deal(tg)
    [taken] = without_answers(await tg.press(ANNA, "d:t:1", message_id=CARD))
    assert buttons(taken) == taken_keyboard(2, "➡️ Contacted")

    calls = await tg.press(ANNA, "dk:v:1:2:0", message_id=CARD)
    assert answer_of(calls).text is None
    [more] = without_answers(calls)
    assert isinstance(more, EditMessageText)
    assert (more.chat_id, more.message_id, more.text) == (ANNA.id, CARD, taken.text)
    assert buttons(more) == taken_more(2)

    [back] = without_answers(await tg.press(ANNA, "dk:c:1:2:0", message_id=CARD))
    assert isinstance(back, EditMessageText) and back.message_id == CARD
    assert (back.text, buttons(back)) == (taken.text, taken_keyboard(2, "➡️ Contacted"))


async def test_a_stale_more_changes_nothing_and_shows_the_deal_as_it_is(tg: Harness) -> None:
    await new_deal(tg)
    await tg.send(OLGA, "/start")
    await tg.press(OLGA, "dk:n:1:1:0", message_id=777)
    calls = await tg.press(ANNA, "dk:v:1:1:0", message_id=CARD)
    assert answer_of(calls).text == STALE
    [refreshed] = without_answers(calls)
    assert refreshed.text.splitlines()[1] == "📍 Contacted ▰▰▱▱▱"
    assert buttons(refreshed) == [
        [("✅ Take", "d:t:1"), ("↩️ Reply", "d:r:1")],
        [("⋯ More", "dk:v:1:2:0")],
    ]
    [forged] = without_answers(await tg.press(ANNA, "dk:v:1:2:0", message_id=CARD))
    assert buttons(forged)[0] == [("➡️ Proposal", "dk:n:1:2:0"), ("🔀 Stage…", "dk:s:1:2:0")]


async def test_won_and_lost_cards_for_the_manager_and_the_owner(tg: Harness) -> None:
    await new_deal(tg)
    await new_deal(tg, person(101, "Rauf"), "Need a table")
    await tg.send(OLGA, "/start")
    await tg.press(ANNA, "dk:g:1:1:5", message_id=CARD)
    await tg.press(ANNA, "dk:x:2:1:0", message_id=CARD + 1)
    won = [[("⏰ Remind", "rm:m:1:h1"), ("🗂 Documents", "dc:l:1")], [("⋯ More", "dk:v:1:2:0")]]
    for reader in (ANNA, OLGA):
        [card] = without_answers(await tg.press(reader, "dk:c:1:2:0"))
        assert buttons(card) == won, reader.first_name
    [picker] = without_answers(await tg.press(ANNA, "rm:m:1:h1"))
    assert picker.text == "When should I remind you about request #1?"

    [lost] = without_answers(await tg.press(ANNA, "dk:c:2:2:0"))
    assert buttons(lost) == [[("↩️ Reply", "d:r:2"), ("⋯ More", "dk:v:2:2:0")]]
    assert await more_buttons(tg, ANNA, "dk:v:2:2:0") == [
        [("📝 Note", "dk:o:2:2:0"), ("📜 History", "dk:h:2:2:0")],
        [("🧾 Fields", "fv:l:2:0:0"), ("📄 Contract", "ct:e:2")],
        [("🗂 Documents", "dc:l:2"), ("👤 Customer", "cu:q:2:0:0")],
        [("‹ Back", "dk:c:2:2:0")],
    ]
    [owners] = without_answers(await tg.press(OLGA, "dk:c:2:2:0"))
    assert buttons(owners) == [
        [("↩️ Reply", "d:r:2"), ("🔓 Reopen", "dk:u:2:2:0")],
        [("⋯ More", "dk:v:2:2:0")],
    ]


async def test_a_phone_only_customer_is_called_not_replied_to(tg: Harness) -> None:
    await make_manager(tg)
    async with tg.app.sessions() as session:
        call = CallEvent("+994 50 123 45 67", "missed", "in", "call-1")
        await record_call(
            session,
            call,
            token_id=None,
            region="AZ",
            callback_after=timedelta(hours=2),
            now=tg.clock.now(),
        )
    [card, *_missed] = sent_to(await tg.deliver(), ANNA.id)
    assert "📞 +994 50 123 45 67" in card.text.splitlines()
    assert buttons(card) == [
        [("✅ Take", "d:t:1"), ("📞 Call +994 50 123 45 67", None)],
        [("⋯ More", "dk:v:1:2:0")],
    ]
    call_button = card.reply_markup.inline_keyboard[0][1]
    assert call_button.copy_text.text == "+994501234567"
    assert "↩️ Reply" not in str(await more_buttons(tg, ANNA, "dk:v:1:2:0"))


async def test_more_on_a_deal_not_the_readers_is_refused_and_changes_nothing(
    tg: Harness,
) -> None:
    await new_deal(tg)
    await make_manager(tg, 201, "Bako")
    bako = person(201, "Bako")
    calls = await tg.press(bako, "dk:v:1:1:0", message_id=CARD)
    assert without_answers(calls) == []
    assert answer_of(calls).text == "Sorry, you can't do that."
    calls = await tg.press(ANNA, "dk:v:99:1:0", message_id=CARD)
    assert without_answers(calls) == []
    assert answer_of(calls).text == "Not found: it may have been removed."
