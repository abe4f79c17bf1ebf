"""/new for staff: a request entered by hand, step by step, with its source on buttons."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery, SendMessage
from sqlalchemy import func, select

from services.db.customers import Customer
from services.db.deals import Deal, Event, Message
from services.db.users import User
from tests.support.calls import answer_of, buttons, sent_to, without_answers
from tests.support.deals import ANNA, LEYLA, OLGA, make_manager
from tests.support.harness import Harness, person
from tests.support.leads import pick

RU_PHONE = (
    "Это не похоже на номер телефона. Напишите его в виде +994 50 123 45 67, "
    "поделитесь контактом или нажмите «Пропустить»."
)
NAMES = ["walk-in", "phone call", "Instagram", "WhatsApp", "e-mail", "recommendation"]


def _sources(tg: Harness) -> list[list[tuple[str, str]]]:
    shown = [(name, pick(tg, ANNA, i)) for i, name in enumerate(NAMES)]
    return [shown[i : i + 2] for i in range(0, len(shown), 2)]


async def _to_sources(tg: Harness, user: object = ANNA, phone: str = "050 123 45 67") -> None:
    [ask_name] = await tg.send(user, "/new")  # type: ignore[arg-type]
    assert ask_name.text == "New request by hand. What is the customer's name? /cancel to stop."
    assert ask_name.reply_markup.remove_keyboard is True
    [ask_phone] = await tg.send(user, "  Rauf   Mammadov ")  # type: ignore[arg-type]
    assert ask_phone.text == "Their phone number? Type it, share a contact, or tap Skip."
    assert buttons(ask_phone) == [[("Skip", None)]]
    [ask_what] = await tg.send(user, phone)  # type: ignore[arg-type]
    assert ask_what.text == "What do they want? Text, a photo or a document."
    assert ask_what.reply_markup.remove_keyboard is True


async def test_a_manager_enters_a_walk_in_and_it_is_theirs(tg: Harness) -> None:
    await make_manager(tg)
    await _to_sources(tg)
    [ask_source] = await tg.send(ANNA, "A sofa, grey, 3 seats")
    assert ask_source.text == (
        "A request for Rauf Mammadov, +994 50 123 45 67. Where did they come from?"
    )
    assert buttons(ask_source) == _sources(tg)

    calls = await tg.press(ANNA, pick(tg, ANNA, 0))
    assert answer_of(calls).text == "Request #1 is entered."
    [card] = without_answers(calls)
    assert isinstance(card, SendMessage) and card.chat_id == ANNA.id
    assert card.text.splitlines() == [
        "<b>Request #1</b>",
        "📍 New ▰▱▱▱▱",
        "👤 Rauf Mammadov",
        "📞 +994 50 123 45 67",
        "💬 A sofa, grey, 3 seats",
        "💰 Amount not set",
        "✅ Taken by Anna at Mar 2, 2026, 13:00",
        "Source: entered by hand · walk-in · Mar 2, 2026, 13:00",
        "⏱ Open for less than a minute · last activity just now",
    ]

    async with tg.app.sessions() as session:
        deal = await session.get_one(Deal, 1)
        customer = await session.get_one(Customer, deal.customer_id)
        anna = await session.scalar(select(User).where(User.tg_id == ANNA.id))
        history = list(await session.scalars(select(Message).where(Message.deal_id == 1)))
        kinds = list(await session.scalars(select(Event.kind).where(Event.deal_id == 1)))
    assert anna is not None
    assert (deal.source, deal.source_detail, deal.phone) == ("manual", "walk_in", "+994501234567")
    assert (deal.manager_id, deal.taken_at is not None) == (anna.id, True)
    # The typed number is the request's: it says nothing of who the customer is.
    assert (customer.name, customer.phone, customer.user_id) == ("Rauf Mammadov", None, None)
    assert [(m.direction, m.author_id, m.text) for m in history] == [
        ("in", None, "A sofa, grey, 3 seats")
    ]
    assert kinds == ["created", "assigned", "taken"]
    # Nothing is queued: the manager has the card already.
    assert await tg.deliver() == []


async def test_skip_leaves_the_request_without_a_phone(tg: Harness) -> None:
    await make_manager(tg)
    await _to_sources(tg, phone="Skip")
    [ask_source] = await tg.send(ANNA, "Chairs")
    assert ask_source.text == "A request for Rauf Mammadov. Where did they come from?"
    await tg.press(ANNA, pick(tg, ANNA, 2))
    async with tg.app.sessions() as session:
        deal = await session.get_one(Deal, 1)
    assert (deal.phone, deal.source_detail) == (None, "instagram")


async def test_a_bad_phone_is_answered_and_the_name_is_kept(tg: Harness) -> None:
    await make_manager(tg)
    await tg.send(ANNA, "/new")
    await tg.send(ANNA, "Rauf")
    [refused] = await tg.send(ANNA, "12")
    assert refused.text == (
        "That doesn't look like a phone number. "
        "Type it like +994 50 123 45 67, share a contact, or tap Skip."
    )
    [ask_what] = await tg.send(ANNA, "+994 50 123 45 67")
    assert ask_what.text == "What do they want? Text, a photo or a document."
    [ask_source] = await tg.send(ANNA, "Table")
    assert ask_source.text.startswith("A request for Rauf, +994 50 123 45 67.")


async def test_the_phone_may_come_as_a_shared_contact(tg: Harness) -> None:
    await make_manager(tg)
    await tg.send(ANNA, "/new")
    await tg.send(ANNA, "Rauf")
    [ask_what] = await tg.share(ANNA, "994551112233", None)
    assert ask_what.text == "What do they want? Text, a photo or a document."
    await tg.send(ANNA, "Table")
    await tg.press(ANNA, pick(tg, ANNA, 1))
    async with tg.app.sessions() as session:
        deal = await session.get_one(Deal, 1)
    assert (deal.phone, deal.source_detail) == ("+994551112233", "phone")


async def test_an_owners_request_is_given_out_as_a_new_one(tg: Harness) -> None:
    await make_manager(tg)
    await _to_sources(tg, user=OLGA)
    await tg.send(OLGA, "Wardrobe")
    calls = await tg.press(OLGA, pick(tg, OLGA, 5))
    [card] = without_answers(calls)
    assert "👔 Anna, not taken yet" in card.text.splitlines()
    [announced] = sent_to(await tg.deliver(), ANNA.id)
    assert announced.text.startswith("<b>Request #1</b>")
    assert "Source: entered by hand · recommendation" in announced.text


async def test_cancel_leaves_the_flow_and_nothing_is_made(tg: Harness) -> None:
    await make_manager(tg)
    await tg.send(ANNA, "/new")
    await tg.send(ANNA, "Rauf")
    [cancelled] = await tg.send(ANNA, "/cancel")
    assert cancelled.text == "Cancelled. Nothing was sent."
    [helped] = await tg.send(ANNA, "Skip")
    assert helped.text.startswith("To answer a customer, tap Reply")
    async with tg.app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Deal)) == 0


async def test_stale_and_forged_source_presses_change_nothing(tg: Harness) -> None:
    await make_manager(tg)
    # No request being entered.
    calls = await tg.press(ANNA, "nl:1:0")
    assert [type(c) for c in calls] == [AnswerCallbackQuery]
    assert answer_of(calls).text == "This button is no longer available."
    await _to_sources(tg)
    await tg.send(ANNA, "Sofa")
    for forged in (pick(tg, ANNA, 6), pick(tg, ANNA, 99), "nl:x", "nl:1:0"):
        calls = await tg.press(ANNA, forged)
        assert answer_of(calls).text == "This button is no longer available."
        assert without_answers(calls) == []
    # A customer pressing it opens nothing either.
    calls = await tg.press(LEYLA, pick(tg, ANNA, 0))
    assert answer_of(calls).text == "Извините, вам это недоступно."
    async with tg.app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Deal)) == 0
    # The real press still works, once.
    await tg.press(ANNA, pick(tg, ANNA, 3))
    calls = await tg.press(ANNA, pick(tg, ANNA, 3))
    assert answer_of(calls).text == "This button is no longer available."
    async with tg.app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Deal)) == 1


async def test_typing_instead_of_tapping_a_source_is_answered(tg: Harness) -> None:
    await make_manager(tg)
    await _to_sources(tg)
    await tg.send(ANNA, "Sofa")
    [told] = await tg.send(ANNA, "walk-in")
    assert told.text == "Please tap where the request came from, above, or /cancel."


async def test_customers_new_is_unchanged(tg: Harness) -> None:
    [asked] = await tg.send(LEYLA, "/new")
    assert asked.text == (
        "Что вам нужно? Опишите в одном сообщении; можно приложить фото и документы."
    )
    [asked] = await tg.send(LEYLA, "Диван")
    assert asked.text.startswith("Спасибо! По какому номеру менеджер может вам позвонить?")
    await tg.send(LEYLA, "Пропустить")
    async with tg.app.sessions() as session:
        deal = await session.get_one(Deal, 1)
    assert (deal.source, deal.source_detail, deal.title) == ("telegram", None, "Диван")


async def test_a_bad_phone_is_answered_in_the_managers_language(tg: Harness) -> None:
    vera = person(202, "Vera", "ru")
    await make_manager(tg, vera.id, "Vera")
    [asked] = await tg.send(vera, "/new")
    assert asked.text == "Новая заявка вручную. Как зовут клиента? /cancel — отменить."
    await tg.send(vera, "Rauf")
    [refused] = await tg.send(vera, "not a number")
    assert refused.text == RU_PHONE
    [ask_what] = await tg.send(vera, "Пропустить")
    assert ask_what.text == "Что нужно клиенту? Текст, фото или документ."


async def test_what_is_not_a_name_or_a_request_is_answered(tg: Harness) -> None:
    await make_manager(tg)
    await tg.send(ANNA, "/new")
    [told] = await tg.send(ANNA, photo="ph1")
    assert told.text == "Please send it as text, or /cancel."
    await tg.send(ANNA, "Rauf")
    await tg.send(ANNA, "Skip")
    [told] = await tg.share(ANNA, "994551112233", None)
    assert told.text == "What do they want? Send it as text, a photo or a document, or /cancel."
    [ask_source] = await tg.send(ANNA, photo="ph2", caption="Like this one")
    assert ask_source.text == "A request for Rauf. Where did they come from?"
    # The album's next photo joins it.
    [added] = await tg.send(ANNA, photo="ph3")
    assert added.text == "Added to the request. Now tap where it came from, above, or /cancel."
    await tg.press(ANNA, pick(tg, ANNA, 0))
    async with tg.app.sessions() as session:
        deal = await session.get_one(Deal, 1)
        shown = list(await session.scalars(select(Message).where(Message.deal_id == 1)))
    assert deal.title == "Like this one"
    assert sorted((m.kind, m.file_id) for m in shown) == [("photo", "ph2"), ("photo", "ph3")]
