from __future__ import annotations

import asyncio

from aiogram.methods import SendMessage, SendPhoto
from sqlalchemy import event, func, select

from services.db.customers import Customer
from services.db.deals import Deal, Message
from services.db.users import User
from tests.support.calls import buttons, sent_to
from tests.support.deals import ANNA, make_manager, more_buttons
from tests.support.harness import OWNER_ID, Harness, person

LEYLA = person(100, "Leyla", "en", last_name="Aliyeva")


async def test_customer_start_shows_the_menu(tg: Harness) -> None:
    [call] = await tg.send(LEYLA, "/start")
    assert isinstance(call, SendMessage)
    assert call.chat_id == LEYLA.id
    assert call.text.startswith("Hello, Leyla!")
    assert buttons(call) == [
        [("📝 New request", "m:n")],
        [("📋 My requests", "m:m")],
        [("🌐 Language", "m:l")],
    ]


async def test_request_with_contact_is_assigned_and_reaches_the_manager(tg: Harness) -> None:
    await make_manager(tg)
    calls = await tg.press(LEYLA, "m:n")
    assert calls[0].text.startswith("What do you need?")
    [ask_phone] = await tg.send(LEYLA, "I need 20 chairs delivered")
    assert ask_phone.text.startswith("Thanks! What phone number")
    assert ask_phone.reply_markup.keyboard[0][0].request_contact is True
    assert buttons(ask_phone) == [[("📱 Share my contact", None)], [("Skip", None)]]

    assert await tg.send(LEYLA, contact="994501234567") == []  # the answer is queued
    delivered = await tg.deliver()
    [confirm] = sent_to(delivered, LEYLA.id)
    assert confirm.text == "Request #1 received — Anna will contact you."
    assert confirm.reply_markup.remove_keyboard is True

    async with tg.app.sessions() as session:
        deal = await session.get_one(Deal, 1)
        customer = await session.get_one(Customer, deal.customer_id)
        manager = await session.scalar(select(User).where(User.tg_id == ANNA.id))
        history = list(await session.scalars(select(Message).where(Message.deal_id == 1)))
    assert (deal.stage_id, deal.source, deal.manager_id) == (1, "telegram", manager.id)
    assert (customer.name, customer.phone) == ("Leyla Aliyeva", "+994501234567")
    assert [(m.direction, m.kind, m.text) for m in history] == [
        ("in", "text", "I need 20 chairs delivered")
    ]

    [card] = sent_to(delivered, ANNA.id)
    assert isinstance(card, SendMessage)
    assert card.text.splitlines() == [
        "<b>Request #1</b>",
        "📍 New ▰▱▱▱▱",
        "👤 Leyla Aliyeva",
        "📞 +994 50 123 45 67",
        "💬 I need 20 chairs delivered",
        "💰 Amount not set",
        "👔 Anna, not taken yet",
        "Source: Telegram · Mar 2, 2026, 13:00",
        "⏱ Open for less than a minute · last activity just now",
    ]
    assert buttons(card) == [
        [("✅ Take", "d:t:1"), ("↩️ Reply", "d:r:1")],
        [("⋯ More", "dk:v:1:1:0")],
    ]
    assert await more_buttons(tg, ANNA, "dk:v:1:1:0", 901) == [
        [("➡️ Contacted", "dk:n:1:1:0"), ("🔀 Stage…", "dk:s:1:1:0")],
        [("💰 Amount", "dk:a:1:1:0"), ("🛒 Items", "it:l:1:1:0:0")],
        [("📝 Note", "dk:o:1:1:0"), ("❌ Lost", "dk:l:1:1:0")],
        [("👥 Reassign", "dk:r:1:1:0"), ("📜 History", "dk:h:1:1:0")],
        [("🧾 Fields", "fv:l:1:0:0"), ("⏰ Remind", "rm:m:1:h1")],
        [("📌 Task", "tw:d:1:h1"), ("📄 Contract", "ct:e:1")],
        [("🗂 Documents", "dc:l:1"), ("👤 Customer", "cu:q:1:0:0")],
        [("‹ Back", "dk:c:1:1:0")],
    ]
    assert await tg.deliver() == []


async def test_typed_phone_is_validated_and_can_be_skipped(tg: Harness) -> None:
    await tg.send(LEYLA, "/new")
    await tg.send(LEYLA, "Repair my fridge")
    [refusal] = await tg.send(LEYLA, "call me maybe")
    assert refusal.text.startswith("That doesn't look like a phone number.")
    assert await tg.send(LEYLA, "050 123 45 67") == []
    [confirm] = sent_to(await tg.deliver(), LEYLA.id)
    assert confirm.text == "Request #1 received — we will contact you soon."
    async with tg.app.sessions() as session:
        customer = await session.scalar(select(Customer))
        deal = await session.get_one(Deal, 1)
    # A typed number is the request's; it says nothing about whose it is.
    assert (deal.phone, customer.phone) == ("+994501234567", None)

    await tg.send(LEYLA, "/new")
    await tg.send(LEYLA, "And the oven too")
    [confirm] = sent_to(await tg.deliver(), LEYLA.id)
    assert confirm.text.startswith("Request #2 received")
    async with tg.app.sessions() as session:
        assert (await session.get_one(Deal, 2)).phone == "+994501234567"


async def test_skip_leaves_the_phone_empty(tg: Harness) -> None:
    await tg.send(LEYLA, "/new")
    await tg.send(LEYLA, "Just a question")
    await tg.send(LEYLA, "Skip")
    [confirm] = sent_to(await tg.deliver(), LEYLA.id)
    assert confirm.text.startswith("Request #1 received")
    async with tg.app.sessions() as session:
        assert (await session.scalar(select(Customer))).phone is None


async def test_writing_with_no_flow_open_creates_a_request(tg: Harness) -> None:
    await make_manager(tg)
    assert await tg.send(LEYLA, "Do you deliver to Sumqayit?") == []
    delivered = await tg.deliver()
    [confirm] = sent_to(delivered, LEYLA.id)
    assert confirm.text == "Request #1 received — Anna will contact you."
    assert [card.chat_id for card in sent_to(delivered, ANNA.id)] == [ANNA.id]


async def test_photos_travel_with_the_request(tg: Harness) -> None:
    await make_manager(tg)
    await tg.send(LEYLA, "/new")
    await tg.send(LEYLA, photo="PHOTO-1", caption="This sofa")
    [added] = await tg.send(LEYLA, photo="PHOTO-2")
    assert added.text.startswith("Added to your request.")
    await tg.send(LEYLA, "Skip")
    card, photo_1, photo_2 = sent_to(await tg.deliver(), ANNA.id)
    assert "📷 2 photos" in card.text
    assert "💬 This sofa" in card.text.splitlines()  # a caption is what the request is about
    assert isinstance(photo_1, SendPhoto)
    assert (photo_1.chat_id, photo_1.photo, photo_1.caption) == (
        ANNA.id,
        "PHOTO-1",
        "<b>#1</b>\nThis sofa",
    )
    assert (photo_2.photo, photo_2.caption) == ("PHOTO-2", "<b>#1</b>")


async def test_round_robin_then_owner_when_nobody_is_on_duty(tg: Harness) -> None:
    await make_manager(tg, 200, "Anna")
    await make_manager(tg, 201, "Bako")
    names = []
    for tg_id in (100, 101, 102):
        await tg.send(person(tg_id, f"C{tg_id}"), "hello")
        [confirm] = sent_to(await tg.deliver(), tg_id)
        names.append(confirm.text.split("— ")[1])
    assert names == [
        "Anna will contact you.",
        "Bako will contact you.",
        "Anna will contact you.",
    ]
    await tg.send(person(200, "Anna"), "/duty")
    await tg.send(person(201, "Bako"), "/duty")
    await tg.send(person(OWNER_ID, "Olga"), "/start")
    await tg.send(person(103, "C103"), "hello")
    [confirm] = sent_to(await tg.deliver(), 103)
    assert confirm.text == "Request #4 received — Olga will contact you."


async def test_customers_writing_at_once_are_handled_together_each_in_turn(tg: Harness) -> None:
    await make_manager(tg, 200, "Anna")
    await make_manager(tg, 201, "Bako")
    leyla, rauf, sona = person(100, "Leyla"), person(101, "Rauf"), person(102, "Sona")
    await asyncio.gather(
        tg.send(leyla, "Need 3 chairs"),
        tg.send(rauf, "Need a table"),
        tg.send(sona, "Need a sofa"),
        tg.send(leyla, "Oak, if you have it"),  # joins the request her first message opens
    )
    sent = await tg.deliver()
    confirms = [(c.chat_id, c.text) for c in sent if c.chat_id in (100, 101, 102)]
    assert sorted(confirms) == [
        (100, "Request #1 received — Anna will contact you."),
        (101, "Request #2 received — Bako will contact you."),
        (102, "Request #3 received — Anna will contact you."),
    ]
    to_anna = [c.text.splitlines()[0] for c in sent if c.chat_id == 200]
    assert to_anna == ["<b>Request #1</b>", "<b>Request #3</b>", "💬 <b>#1 · Leyla</b>"]
    assert [c.text.splitlines()[0] for c in sent if c.chat_id == 201] == ["<b>Request #2</b>"]
    async with tg.app.sessions() as session:
        assert await session.scalar(select(func.count()).where(User.tg_id == 100)) == 1
        texts = await session.scalars(select(Message.text).where(Message.deal_id == 1))
        assert list(texts) == ["Need 3 chairs", "Oak, if you have it"]
    # The turn goes on from where the batch left it.
    await tg.send(person(103, "Emil"), "Need a lamp")
    [confirm] = sent_to(await tg.deliver(), 103)
    assert confirm.text == "Request #4 received — Bako will contact you."


async def test_a_manager_reads_what_arrived_together_in_the_order_it_was_written(
    tg: Harness,
) -> None:
    await make_manager(tg)
    leyla, sona, emil = person(100, "Leyla"), person(101, "Sona"), person(102, "Emil")
    await tg.send(leyla, "Need 3 chairs")
    await tg.deliver()
    await asyncio.gather(
        tg.send(leyla, "Oak, if you have it"),
        tg.send(sona, photo="SOFA"),
        tg.send(emil, photo="LAMP"),
    )
    sent = sent_to(await tg.deliver(), ANNA.id)
    shown = [c.caption if isinstance(c, SendPhoto) else c.text for c in sent]
    assert [
        (type(c).__name__, text.splitlines()[0]) for c, text in zip(sent, shown, strict=True)
    ] == [
        ("SendMessage", "💬 <b>#1 · Leyla</b>"),
        ("SendMessage", "<b>Request #2</b>"),
        ("SendPhoto", "<b>#2</b>"),
        ("SendMessage", "<b>Request #3</b>"),
        ("SendPhoto", "<b>#3</b>"),
    ]


async def test_requests_arriving_together_share_their_transactions(tg: Harness) -> None:
    await make_manager(tg)
    commits: list[object] = []

    def committed(connection: object) -> None:
        commits.append(connection)

    event.listen(tg.app.engine.sync_engine, "commit", committed)
    customers = [person(tg_id, f"C{tg_id}") for tg_id in range(100, 110)]
    await asyncio.gather(*(tg.send(customer, "Need chairs") for customer in customers))
    event.remove(tg.app.engine.sync_engine, "commit", committed)
    # One for the ten senders' accounts, one for their ten requests.
    assert len(commits) == 2
    async with tg.app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Deal)) == 10
