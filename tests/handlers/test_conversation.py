from __future__ import annotations

from datetime import timedelta

from aiogram.methods import EditMessageText, SendMessage, SendPhoto
from sqlalchemy import select

from services.db.deals import ChatMessage, Deal, Event, Message
from tests.support.calls import answer_of, buttons, sent_to, without_answers
from tests.support.deals import make_manager
from tests.support.harness import Harness, person

LEYLA = person(100, "Leyla")
ANNA = person(200, "Anna")
BAKO = person(201, "Bako")


async def open_request(tg: Harness) -> SendMessage:
    await make_manager(tg, ANNA.id, "Anna")
    await tg.send(LEYLA, "Need a quote for 20 chairs")
    [card] = sent_to(await tg.deliver(), ANNA.id)
    return card


async def shown_message(tg: Harness, kind: str) -> int:
    async with tg.app.sessions() as session:
        return (
            await session.scalars(select(ChatMessage.message_id).where(ChatMessage.kind == kind))
        ).one()


async def test_take_records_first_response_and_edits_the_card(tg: Harness) -> None:
    await open_request(tg)
    tg.app.clock.advance(timedelta(minutes=7))  # type: ignore[attr-defined]
    calls = await tg.press(ANNA, "d:t:1", message_id=777)
    assert answer_of(calls).text == "You took request #1."
    [edit] = without_answers(calls)
    assert isinstance(edit, EditMessageText)
    assert (edit.chat_id, edit.message_id) == (ANNA.id, 777)
    assert "✅ Taken by Anna at Mar 2, 2026, 13:07" in edit.text.splitlines()
    assert buttons(edit) == [
        [("↩️ Reply", "d:r:1")],
        [("➡️ Contacted", "dk:n:1:2:0"), ("🔀 Stage…", "dk:s:1:2:0")],
        [("💰 Amount", "dk:a:1:2:0"), ("🛒 Items", "it:l:1:2:0:0"), ("📝 Note", "dk:o:1:2:0")],
        [("❌ Lost", "dk:l:1:2:0"), ("👥 Reassign", "dk:r:1:2:0")],
        [("📜 History", "dk:h:1:2:0"), ("🧾 Fields", "fv:l:1:0:0"), ("👤 Customer", "cu:q:1:0:0")],
        [
            ("⏰ Remind", "rm:m:1:h1"),
            ("📄 Contract", "ct:e:1"),
            ("🗂 Documents", "dc:l:1"),
        ],
    ]
    async with tg.app.sessions() as session:
        deal = await session.get_one(Deal, 1)
        kinds = list(await session.scalars(select(Event.kind).order_by(Event.id)))
    assert deal.taken_at == tg.app.clock.now()
    assert kinds == ["created", "assigned", "taken"]

    again = await tg.press(ANNA, "d:t:1", message_id=777)
    assert answer_of(again).text == "This request is already yours."


async def test_forged_and_foreign_presses_are_refused_and_change_nothing(tg: Harness) -> None:
    await open_request(tg)
    await make_manager(tg, BAKO.id, "Bako")
    for intruder, data in ((LEYLA, "d:t:1"), (BAKO, "d:t:1"), (LEYLA, "d:r:1"), (BAKO, "d:r:1")):
        calls = await tg.press(intruder, data)
        answer = answer_of(calls)
        assert (answer.text, answer.show_alert) == ("Sorry, you can't do that.", True)
        assert without_answers(calls) == []
    [missing] = await tg.press(ANNA, "d:t:99")
    assert missing.text == "Not found: it may have been removed."
    async with tg.app.sessions() as session:
        deal = await session.get_one(Deal, 1)
    assert deal.taken_at is None and deal.manager_id == 2
    [next_msg] = await tg.send(BAKO, "hello?")
    assert next_msg.text.startswith("To answer a customer, tap Reply")


async def test_reply_button_relays_text_signed_with_first_name(tg: Harness) -> None:
    await open_request(tg)
    calls = await tg.press(ANNA, "d:r:1")
    [prompt] = without_answers(calls)
    assert prompt.text.startswith("Write your reply to request #1")
    [sent] = await tg.send(ANNA, "Hello Leyla, 20 chairs cost 400 AZN <b>")
    assert sent.text == "Sent to the customer of request #1."
    [relayed] = await tg.deliver()
    assert isinstance(relayed, SendMessage)
    assert relayed.chat_id == LEYLA.id
    assert relayed.text == (
        "<b>Anna</b>, request #1:\nHello Leyla, 20 chairs cost 400 AZN &lt;b&gt;"
    )
    assert relayed.reply_markup is None
    async with tg.app.sessions() as session:
        deal = await session.get_one(Deal, 1)
        history = [
            (m.direction, m.text)
            for m in await session.scalars(select(Message).order_by(Message.id))
        ]
    assert deal.taken_at is not None
    assert history == [
        ("in", "Need a quote for 20 chairs"),
        ("out", "Hello Leyla, 20 chairs cost 400 AZN <b>"),
    ]


async def test_customer_and_manager_talk_through_native_replies(tg: Harness) -> None:
    card = await open_request(tg)
    card_id = await shown_message(tg, "deal_card")
    [sent] = await tg.send(ANNA, photo="PRICE-LIST", caption="Our prices", reply_to=card_id)
    assert sent.text == "Sent to the customer of request #1."
    [photo] = await tg.deliver()
    assert isinstance(photo, SendPhoto)
    assert (photo.chat_id, photo.photo, photo.caption) == (
        LEYLA.id,
        "PRICE-LIST",
        "<b>Anna</b>, request #1:\nOur prices",
    )
    assert card.chat_id == ANNA.id

    assert await tg.send(LEYLA, "Thanks, and delivery?") == []
    [relayed] = await tg.deliver()
    assert (relayed.chat_id, relayed.text) == (
        ANNA.id,
        "💬 <b>#1 · Leyla</b>\nThanks, and delivery?",
    )
    assert buttons(relayed) == [[("↩️ Reply", "d:r:1")]]
    relayed_id = await shown_message(tg, "relay_in")
    await tg.send(ANNA, "Free in Baku", reply_to=relayed_id)
    [answer] = await tg.deliver()
    assert answer.text == "<b>Anna</b>, request #1:\nFree in Baku"

    [unlinked] = await tg.send(ANNA, "hm", reply_to=5)
    assert unlinked.text.startswith("That message isn't linked to a request.")


async def test_long_customer_message_is_split_not_cut(tg: Harness) -> None:
    await open_request(tg)
    text = "x" * 5000
    await tg.send(LEYLA, text)
    parts = await tg.deliver()
    assert len(parts) == 2
    assert "".join(p.text.split("\n", 1)[1] for p in parts) == text


async def test_cancel_leaves_the_flow_and_unknown_input_gets_help(tg: Harness) -> None:
    await tg.send(LEYLA, "/new")
    cancelled, menu = await tg.send(LEYLA, "/cancel")
    assert cancelled.text == "Cancelled. Nothing was sent."
    assert menu.text.startswith("Hello, Leyla!")
    [nothing] = await tg.send(LEYLA, "/cancel")
    assert nothing.text == "There is nothing to cancel."
    [help_text] = await tg.send(LEYLA, "/frobnicate")
    assert help_text.text.startswith("I didn't understand that.")
    calls = await tg.press(LEYLA, "zz:1")
    assert answer_of(calls).text == "This button is no longer available."
    async with tg.app.sessions() as session:
        assert await session.scalar(select(Deal)) is None


async def test_my_requests_lists_stage_in_the_readers_language(tg: Harness) -> None:
    [empty] = await tg.send(LEYLA, "/requests")
    assert empty.text == "You have no requests yet. Just write here what you need."
    await tg.send(LEYLA, "first")
    calls = await tg.press(LEYLA, "m:m")
    [listing] = without_answers(calls)
    assert listing.text == "<b>Your requests</b>\n#1 · Mar 2, 2026, 13:00 · New"
