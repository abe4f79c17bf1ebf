"""/customer and the 👤 button of a deal card: the card, and each detail edited with buttons."""

from __future__ import annotations

from aiogram.methods import EditMessageText, SendMessage
from sqlalchemy import select

from services.db.customers import Customer, CustomerPhone
from services.db.deals import Event
from tests.support.calls import answer_of, buttons, without_answers
from tests.support.deals import ANNA, CARD, OLGA, new_deal
from tests.support.harness import Harness

SINCE = "Source: Telegram · customer since Mar 2, 2026"


def card_buttons(version: int) -> list[list[tuple[str, str | None]]]:
    v = f"1:{version}"
    return [
        [("✏️ Name", f"cu:e:{v}:1"), ("📞 Phones", f"cu:p:{v}:0")],
        [("✉️ E-mail", f"cu:e:{v}:2"), ("🏢 Company", f"cu:e:{v}:3")],
        [("🏠 Address", f"cu:e:{v}:4"), ("🗣 Language", f"cu:l:{v}:0")],
        [("🎂 Birthday", f"cu:e:{v}:6"), ("🏷 Tags", f"cu:t:{v}:0")],
        [("📝 Notes", f"cu:e:{v}:5"), ("📜 History", f"cu:h:{v}:0")],
        [("#1 · New", "do:1")],
    ]


async def typed(tg: Harness, press: str, text: str) -> list[object]:
    """Anna taps `press` on the card (message CARD), then sends `text`."""
    [prompt] = without_answers(await tg.press(ANNA, press, message_id=CARD))
    assert isinstance(prompt, SendMessage)
    return await tg.send(ANNA, text)


async def customer(tg: Harness) -> Customer:
    async with tg.app.sessions() as session:
        return await session.get_one(Customer, 1)


async def test_customer_found_by_name_and_opened_from_the_deal_card(tg: Harness) -> None:
    await new_deal(tg)
    [card] = await tg.send(ANNA, "/customer LEY")
    assert card.text.splitlines() == [
        "<b>👤 Leyla</b>",
        "🗣 Русский",
        SINCE,
        "<b>Requests: 1</b>",
        "#1 · New · Mar 2, 2026",
    ]
    assert buttons(card) == card_buttons(1)
    calls = await tg.press(ANNA, "cu:q:1:0:0", message_id=CARD)
    [sent] = without_answers(calls)
    assert isinstance(sent, SendMessage)
    assert sent.text == card.text
    assert answer_of(calls).text is None


async def test_details_typed_are_shown_and_recorded(tg: Harness) -> None:
    await new_deal(tg)
    [prompt] = without_answers(await tg.press(ANNA, "cu:e:1:1:2", message_id=CARD))
    assert prompt.text == "Send the e-mail address, - to clear it, or /cancel."
    [refused] = await tg.send(ANNA, "leyla@example")
    assert refused.text == (
        "That doesn't look like an e-mail address. Send it like name@example.com, - to "
        "clear it, or /cancel."
    )
    redrawn, saved = await tg.send(ANNA, "leyla@example.com")
    assert isinstance(redrawn, EditMessageText)
    assert redrawn.message_id == CARD
    assert saved.text == "Saved."
    await typed(tg, "cu:e:1:2:3", "Sun   LLC")
    await typed(tg, "cu:e:1:3:4", "Baku, Nizami 5")
    [wrong] = await typed(tg, "cu:e:1:4:6", "31.02.1990")
    assert wrong.text == (
        "Send the birthday like 31.12.1990 or 1990-12-31, - to clear it, or /cancel."
    )
    await tg.send(ANNA, "1990-12-31")
    await typed(tg, "cu:e:1:5:5", "Calls after 6 pm <b>only</b>")
    redrawn, _ = await typed(tg, "cu:e:1:6:1", "Leyla Məmmədova")
    assert redrawn.text.splitlines() == [
        "<b>👤 Leyla Məmmədova</b>",
        "✉️ leyla@example.com",
        "🏢 Sun LLC",
        "🏠 Baku, Nizami 5",
        "🗣 Русский",
        "🎂 December 31, 1990",
        "📝 Calls after 6 pm &lt;b&gt;only&lt;/b&gt;",
        SINCE,
        "<b>Requests: 1</b>",
        "#1 · New · Mar 2, 2026",
    ]
    assert buttons(redrawn) == card_buttons(7)
    [cleared, _] = await typed(tg, "cu:e:1:7:3", "-")
    assert "🏢" not in cleared.text
    stored = await customer(tg)
    assert (stored.name_key, stored.company, stored.version) == ("leyla məmmədova", None, 8)
    async with tg.app.sessions() as session:
        rows = await session.execute(
            select(Event.kind, Event.from_value, Event.to_value, Event.deal_id)
            .where(Event.customer_id == 1)
            .order_by(Event.id)
        )
        assert [tuple(r) for r in rows] == [
            ("customer_email", None, "leyla@example.com", None),
            ("customer_company", None, "Sun LLC", None),
            ("customer_address", None, "Baku, Nizami 5", None),
            ("customer_birthday", None, "1990-12-31", None),
            ("customer_notes", None, "Calls after 6 pm <b>only</b>", None),
            ("customer_name", "Leyla", "Leyla Məmmədova", None),
            ("customer_company", "Sun LLC", None, None),
        ]


async def test_phones_are_stored_in_e164_and_one_is_main(tg: Harness) -> None:
    await new_deal(tg)
    [screen] = without_answers(await tg.press(ANNA, "cu:p:1:1:0", message_id=CARD))
    assert screen.text.splitlines() == [
        "<b>Phones of Leyla</b>",
        "No phones yet.",
        "⭐ marks the main number. Tap a number to make it the main one.",
    ]
    assert buttons(screen) == [
        [("➕ Add a phone", "cu:a:1:1:0")],
        [("« Back to the customer", "cu:c:1:1:0")],
    ]
    [prompt] = without_answers(await tg.press(ANNA, "cu:a:1:1:0", message_id=CARD))
    assert prompt.text == "Send the phone number, like +994 50 123 45 67, or /cancel."
    [bad] = await tg.send(ANNA, "12")
    assert bad.text == (
        "That doesn't look like a phone number. Send it like +994 50 123 45 67, or /cancel."
    )
    first, _ = await tg.send(ANNA, "050 123 45 67")
    assert first.text.splitlines()[1] == "📞 +994 50 123 45 67 ⭐"
    await typed(tg, "cu:a:1:2:0", "+994 55 765 43 21")
    [same] = await typed(tg, "cu:a:1:3:0", "0501234567")
    assert same.text == "This number is on the card already; nothing was changed."
    [screen] = without_answers(await tg.press(ANNA, "cu:p:1:3:0", message_id=CARD))
    assert buttons(screen) == [
        [("⭐ +994 50 123 45 67", "cu:m:1:3:1"), ("🗑", "cu:d:1:3:1")],
        [("+994 55 765 43 21", "cu:m:1:3:2"), ("🗑", "cu:d:1:3:2")],
        [("➕ Add a phone", "cu:a:1:3:0")],
        [("« Back to the customer", "cu:c:1:3:0")],
    ]
    calls = await tg.press(ANNA, "cu:m:1:3:2", message_id=CARD)
    assert answer_of(calls).text == "Saved."
    [card] = without_answers(calls)
    assert card.text.splitlines()[1:3] == ["📞 +994 50 123 45 67", "📞 +994 55 765 43 21 ⭐"]
    [card] = without_answers(await tg.press(ANNA, "cu:d:1:4:2", message_id=CARD))
    assert card.text.splitlines()[1] == "📞 +994 50 123 45 67 ⭐"
    async with tg.app.sessions() as session:
        stored = await session.execute(select(CustomerPhone.phone, CustomerPhone.main))
        assert [tuple(r) for r in stored] == [("+994501234567", False)]
        kinds = await session.scalars(select(Event.kind).where(Event.customer_id == 1))
        assert list(kinds) == [
            "customer_phone_added",
            "customer_phone_added",
            "customer_main_phone",
            "customer_phone_removed",
        ]


async def test_language_and_tags_with_buttons(tg: Harness) -> None:
    await new_deal(tg)
    [languages] = without_answers(await tg.press(ANNA, "cu:l:1:1:0", message_id=CARD))
    assert languages.text == "<b>Leyla</b> speaks:"
    assert buttons(languages) == [
        [("English", "cu:g:1:1:1")],
        [("Azərbaycanca", "cu:g:1:1:2")],
        [("✓ Русский", "cu:g:1:1:3")],
        [("✖ Clear", "cu:g:1:1:0")],
        [("« Back to the customer", "cu:c:1:1:0")],
    ]
    [card] = without_answers(await tg.press(ANNA, "cu:g:1:1:2", message_id=CARD))
    assert card.text.splitlines()[1] == "🗣 Azərbaycanca"
    [bad] = await typed(tg, "cu:n:1:2:0", "vip, two words!")
    assert bad.text.startswith("Tags are short words without spaces")
    card, _ = await tg.send(ANNA, "#VIP wholesale vip")
    assert card.text.splitlines()[2] == "🏷 vip · wholesale"
    [tags] = without_answers(await tg.press(ANNA, "cu:t:1:3:0", message_id=CARD))
    assert tags.text.splitlines() == [
        "<b>Tags of Leyla</b>",
        "vip · wholesale",
        "Tap a tag to remove it.",
    ]
    assert buttons(tags)[:2] == [[("✖ vip", "cu:x:1:3:1")], [("✖ wholesale", "cu:x:1:3:2")]]
    [card] = without_answers(await tg.press(ANNA, "cu:x:1:3:1", message_id=CARD))
    assert card.text.splitlines()[2] == "🏷 wholesale"
    assert (await customer(tg)).language == "az"


async def test_owner_edits_too_and_a_stale_card_changes_nothing(tg: Harness) -> None:
    await new_deal(tg)
    await tg.press(ANNA, "cu:e:1:1:2", message_id=CARD)
    await typed_by_owner(tg)
    redrawn, said = await tg.send(ANNA, "leyla@example.com")
    assert said.text == (
        "This card was out of date, so nothing was changed. Here is the customer as they are now."
    )
    assert "🏢 Olga &amp; Co" in redrawn.text
    calls = await tg.press(ANNA, "cu:g:1:1:1", message_id=CARD)
    assert answer_of(calls).text == said.text
    [card] = without_answers(calls)
    assert buttons(card) == card_buttons(2)
    stored = await customer(tg)
    assert (stored.email, stored.language, stored.version) == (None, None, 2)


async def typed_by_owner(tg: Harness) -> None:
    await tg.send(OLGA, "/customer leyla")
    await tg.press(OLGA, "cu:e:1:1:3", message_id=CARD)
    await tg.send(OLGA, "Olga & Co")
