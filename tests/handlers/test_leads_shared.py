"""A request from what staff send the bot: a contact from the phone book, or a customer's
message forwarded (its sender linked when Telegram names them)."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram.methods import SendMessage
from aiogram.types import (
    Chat,
    MessageOriginChannel,
    MessageOriginHiddenUser,
    MessageOriginUser,
)
from aiogram.types import User as TelegramUser
from sqlalchemy import func, select

from services.db.customers import Customer
from services.db.deals import Deal, Message
from services.db.users import User
from tests.support.calls import answer_of, buttons, sent_to, without_answers
from tests.support.deals import ANNA, BAKO, LEYLA, OLGA, make_manager
from tests.support.harness import Harness, person
from tests.support.leads import pick

SENT = datetime(2026, 3, 1, tzinfo=UTC)
RAUF = person(300, "Rauf", "en", last_name="Mammadov", username="rauf_m")


async def _rows(tg: Harness) -> tuple[Deal, Customer, list[Message]]:
    async with tg.app.sessions() as session:
        deal = await session.get_one(Deal, 1)
        customer = await session.get_one(Customer, deal.customer_id)
        messages = list(await session.scalars(select(Message).where(Message.deal_id == 1)))
    return deal, customer, messages


async def test_a_shared_contact_offers_a_request_for_that_person(tg: Harness) -> None:
    await make_manager(tg)
    [offer] = await tg.share(ANNA, "994551112233", None)
    assert isinstance(offer, SendMessage)
    assert offer.text == "A request for Someone, +994 55 111 22 33. Where did they come from?"
    assert buttons(offer)[0] == [("walk-in", pick(tg, ANNA, 0)), ("phone call", pick(tg, ANNA, 1))]
    calls = await tg.press(ANNA, pick(tg, ANNA, 1))
    assert answer_of(calls).text == "Request #1 is entered."
    [card] = without_answers(calls)
    assert "Source: entered by hand · phone call · Mar 2, 2026, 13:00" in card.text
    deal, customer, messages = await _rows(tg)
    assert (deal.phone, deal.source, deal.source_detail, deal.title) == (
        "+994551112233",
        "manual",
        "phone",
        "",
    )
    # A contact from the phone book vouches for nobody: the number stays the request's.
    assert (customer.name, customer.phone, customer.user_id) == ("Someone", None, None)
    assert messages == []


async def test_a_contact_with_a_bad_number_is_refused(tg: Harness) -> None:
    await make_manager(tg)
    [refused] = await tg.share(ANNA, "12", None)
    assert refused.text == (
        "This contact's number doesn't look like a phone number, so no request was opened. "
        "Use /new to enter it by hand."
    )
    calls = await tg.press(ANNA, "nl:1:0")
    assert answer_of(calls).text == "This button is no longer available."
    assert await _count(tg) == 0


async def test_a_forward_from_a_named_sender_links_their_account(tg: Harness) -> None:
    await make_manager(tg)
    origin = MessageOriginUser(date=SENT, sender_user=RAUF)
    [offer] = await tg.forward(ANNA, origin, "Do you have oak tables?")
    assert offer.text == (
        "Open a request with this message from Rauf Mammadov? "
        "Choose where it came from, or /cancel."
    )
    await tg.press(ANNA, pick(tg, ANNA, 2))
    deal, customer, messages = await _rows(tg)
    async with tg.app.sessions() as session:
        rauf = await session.scalar(select(User).where(User.tg_id == RAUF.id))
    assert rauf is not None
    assert (rauf.role, rauf.first_name, rauf.username) == ("customer", "Rauf", "rauf_m")
    assert (customer.user_id, customer.name, customer.phone) == (rauf.id, "Rauf Mammadov", None)
    assert (deal.title, deal.source_detail) == ("Do you have oak tables?", "instagram")
    assert [(m.direction, m.author_id, m.text) for m in messages] == [
        ("in", rauf.id, "Do you have oak tables?")
    ]
    # When Rauf writes to the bot himself, his words join that request.
    await tg.send(RAUF, "Oak, 2 metres")
    [relayed] = sent_to(await tg.deliver(), ANNA.id)
    assert relayed.text.endswith("Oak, 2 metres")
    async with tg.app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Deal)) == 1


async def test_a_forward_from_a_known_customer_joins_their_record(tg: Harness) -> None:
    await make_manager(tg)
    await tg.send(LEYLA, "/start")
    origin = MessageOriginUser(date=SENT, sender_user=LEYLA)
    await tg.forward(ANNA, origin, "Also a lamp")
    await tg.press(ANNA, pick(tg, ANNA, 3))
    _, customer, _ = await _rows(tg)
    async with tg.app.sessions() as session:
        leyla = await session.scalar(select(User).where(User.tg_id == LEYLA.id))
        customers = await session.scalar(select(func.count()).select_from(Customer))
    assert leyla is not None and customer.user_id == leyla.id
    assert customers == 1


async def test_a_forward_from_a_hidden_sender_keeps_only_the_name(tg: Harness) -> None:
    await make_manager(tg)
    origin = MessageOriginHiddenUser(date=SENT, sender_user_name="Nigar K")
    [offer] = await tg.forward(ANNA, origin, "Price of a bed?")
    assert offer.text.startswith("Open a request with this message from Nigar K?")
    await tg.press(ANNA, pick(tg, ANNA, 3))
    deal, customer, messages = await _rows(tg)
    assert (customer.name, customer.user_id, deal.source_detail) == ("Nigar K", None, "whatsapp")
    assert [(m.author_id, m.text) for m in messages] == [(None, "Price of a bed?")]


async def test_a_forwarded_photo_keeps_the_photo(tg: Harness) -> None:
    await make_manager(tg)
    channel = Chat(id=-100777, type="channel", title="Mebel <news>")
    origin = MessageOriginChannel(date=SENT, chat=channel, message_id=5)
    [offer] = await tg.forward(ANNA, origin, photo="ph1", caption="This one")
    assert offer.text.startswith("Open a request with this message from Mebel &lt;news&gt;?")
    await tg.press(ANNA, pick(tg, ANNA, 4))
    deal, customer, messages = await _rows(tg)
    assert (customer.name, deal.title) == ("Mebel <news>", "This one")
    assert [(m.kind, m.file_id, m.text) for m in messages] == [("photo", "ph1", "This one")]


async def test_a_forward_from_a_colleague_is_not_linked_to_them(tg: Harness) -> None:
    await make_manager(tg)
    await make_manager(tg, BAKO.id, "Bako")
    origin = MessageOriginUser(date=SENT, sender_user=BAKO)
    await tg.forward(ANNA, origin, "Customer called about chairs")
    await tg.press(ANNA, pick(tg, ANNA, 0))
    _, customer, _ = await _rows(tg)
    assert (customer.name, customer.user_id) == ("Bako", None)


async def test_customers_contacts_and_forwards_are_unchanged(tg: Harness) -> None:
    [answer] = await tg.share(LEYLA, "994501234567", LEYLA.id)
    assert answer.text == "Спасибо, мы сохранили ваш номер."
    origin = MessageOriginUser(date=SENT, sender_user=RAUF)
    await tg.forward(LEYLA, origin, "Look at this")
    assert await _count(tg) == 1  # a customer's forward is their own words, as before
    async with tg.app.sessions() as session:
        deal = await session.get_one(Deal, 1)
    assert (deal.source, deal.source_detail) == ("telegram", None)


async def test_an_owner_may_enter_from_a_contact_too(tg: Harness) -> None:
    await make_manager(tg)
    await tg.share(OLGA, "+994551112233", None)
    calls = await tg.press(OLGA, pick(tg, OLGA, 0))
    assert answer_of(calls).text == "Request #1 is entered."
    deal, _, _ = await _rows(tg)
    assert deal.manager_id is not None and deal.taken_at is None


async def _count(tg: Harness) -> int:
    async with tg.app.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Deal)) or 0)


async def test_a_forward_of_a_bots_message_links_no_account(tg: Harness) -> None:
    await make_manager(tg)
    shop_bot = TelegramUser(id=777, is_bot=True, first_name="Shop bot")
    await tg.forward(ANNA, MessageOriginUser(date=SENT, sender_user=shop_bot), "Order 5")
    await tg.press(ANNA, pick(tg, ANNA, 0))
    _, customer, _ = await _rows(tg)
    assert (customer.name, customer.user_id) == ("Shop bot", None)
    async with tg.app.sessions() as session:
        assert await session.scalar(select(User).where(User.tg_id == 777)) is None


async def test_buttons_offered_for_an_earlier_message_enter_nothing(tg: Harness) -> None:
    await make_manager(tg)
    await tg.forward(ANNA, MessageOriginHiddenUser(date=SENT, sender_user_name="Ali"), "Beds?")
    earlier = pick(tg, ANNA, 0)
    await tg.send(ANNA, "/cancel")
    await tg.forward(ANNA, MessageOriginHiddenUser(date=SENT, sender_user_name="Bob"), "Desks?")
    # Ali's buttons, under Ali's message: Bob's message is not entered as Ali's.
    calls = await tg.press(ANNA, earlier)
    assert answer_of(calls).text == "This button is no longer available."
    assert without_answers(calls) == []
    assert await _count(tg) == 0
    await tg.press(ANNA, pick(tg, ANNA, 0))
    deal, customer, _ = await _rows(tg)
    assert (customer.name, deal.title) == ("Bob", "Desks?")


async def test_messages_forwarded_together_make_one_request(tg: Harness) -> None:
    await make_manager(tg)
    origin = MessageOriginUser(date=SENT, sender_user=RAUF)
    await tg.forward(ANNA, origin, "Do you have oak tables?")
    [added] = await tg.forward(ANNA, origin, photo="ph1", caption="Like this")
    assert added.text == "Added to the request. Now tap where it came from, above, or /cancel."
    [added] = await tg.forward(ANNA, origin, "2 metres long")
    assert added.text == "Added to the request. Now tap where it came from, above, or /cancel."
    await tg.press(ANNA, pick(tg, ANNA, 2))
    deal, _, messages = await _rows(tg)
    assert deal.title == "Do you have oak tables?\n2 metres long"
    assert sorted((m.kind, m.file_id, m.text) for m in messages) == [
        ("photo", "ph1", "Like this"),
        ("text", None, "Do you have oak tables?\n2 metres long"),
    ]
    assert await _count(tg) == 1


async def test_a_forward_with_nothing_to_keep_opens_nothing(tg: Harness) -> None:
    await make_manager(tg)
    origin = MessageOriginUser(date=SENT, sender_user=RAUF)
    [refused] = await tg.forward(ANNA, origin)
    assert refused.text == "Only a message with text, a photo or a document opens a request."
    # Nothing is being entered: the next forward is offered afresh.
    [offer] = await tg.forward(ANNA, origin, "Chairs?")
    assert offer.text.startswith("Open a request with this message from Rauf Mammadov?")


async def test_a_forward_from_someone_else_waits_for_the_source(tg: Harness) -> None:
    await make_manager(tg)
    await tg.forward(ANNA, MessageOriginUser(date=SENT, sender_user=RAUF), "Oak tables?")
    other = MessageOriginHiddenUser(date=SENT, sender_user_name="Nigar K")
    [told] = await tg.forward(ANNA, other, "Price of a bed?")
    assert told.text == "Please tap where the request came from, above, or /cancel."
    await tg.press(ANNA, pick(tg, ANNA, 0))
    deal, customer, messages = await _rows(tg)
    assert (customer.name, deal.title) == ("Rauf Mammadov", "Oak tables?")
    assert [m.text for m in messages] == ["Oak tables?"]


async def test_an_owner_with_no_manager_gets_the_card_once(tg: Harness) -> None:
    await tg.share(OLGA, "+994551112233", None)
    calls = await tg.press(OLGA, pick(tg, OLGA, 0))
    assert answer_of(calls).text == "Request #1 is entered."
    assert without_answers(calls) == []
    delivered = sent_to(await tg.deliver(), OLGA.id)
    cards = [c for c in delivered if c.text.startswith("<b>Request #1</b>")]
    assert len(cards) == 1
