"""Staff-entered requests over real HTTP: a manager forwards a customer's message and later
talks with that customer through the request; an owner enters one from a phone-book contact."""

from __future__ import annotations

from sqlalchemy import select

from services.db.customers import Customer
from services.db.deals import Deal
from services.db.users import User
from tests.support.live import OWNER_ID, Live, labels


async def test_a_forwarded_message_becomes_a_request_the_customer_continues(live: Live) -> None:
    emu = live.emulator
    async with live.app.sessions() as session:
        session.add(
            User(tg_id=200, role="manager", first_name="Anna", created_at=live.app.clock.now())
        )
        await session.commit()
    anna = emu.user(200, "Anna", language_code="en")
    rauf = emu.user(300, "Rauf", last_name="Mammadov", language_code="en")
    anna.forward_text("Do you have oak tables?", rauf.id)
    offer = await anna.wait_for_bot_message()
    assert offer.text == (
        "Open a request with this message from Rauf Mammadov? "
        "Choose where it came from, or /cancel."
    )
    answer = await anna.press("Instagram", message_id=offer.message_id)
    assert answer is not None and answer.text == "Request #1 is entered."
    card = await anna.wait_for_bot_message(predicate=lambda m: m is not offer)
    assert "Source: entered by hand · Instagram" in (card.text or "")
    assert "↩️ Reply" in labels(card)

    rauf.send_text("2 metres long, please")
    relayed = await anna.wait_for_bot_message(predicate=lambda m: "2 metres" in (m.text or ""))
    assert relayed.text == "💬 #1 · Rauf Mammadov\n2 metres long, please"
    await anna.press("↩️ Reply", message_id=card.message_id)
    await anna.wait_for_bot_message(predicate=lambda m: "Write your reply" in (m.text or ""))
    anna.send_text("We have them: 400 AZN")
    reply = await rauf.wait_for_bot_message(predicate=lambda m: "400" in (m.text or ""))
    assert reply.text == "Anna, request #1:\nWe have them: 400 AZN"
    async with live.app.sessions() as session:
        assert len(list(await session.scalars(select(Deal)))) == 1


async def test_an_owner_enters_a_request_from_a_phone_book_contact(live: Live) -> None:
    emu = live.emulator
    olga = emu.user(OWNER_ID, "Olga")
    olga.share_phone_book_contact("+994551112233", "Nigar", last_name="K")
    offer = await olga.wait_for_bot_message()
    assert offer.text == "A request for Nigar K, +994 55 111 22 33. Where did they come from?"
    answer = await olga.press("walk-in", message_id=offer.message_id)
    assert answer is not None and answer.text == "Request #1 is entered."
    async with live.app.sessions() as session:
        deal = await session.get_one(Deal, 1)
        customer = await session.get_one(Customer, deal.customer_id)
    assert (deal.phone, deal.source_detail) == ("+994551112233", "walk_in")
    assert (customer.name, customer.phone, customer.user_id) == ("Nigar K", None, None)
