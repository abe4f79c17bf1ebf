"""An invoice over real HTTP: the emulator checks sendDocument and sendInvoice as strictly as
Telegram; the customer pays in the chat, the bot answers the check before the money moves and
records the payment Telegram reports."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from emulator.models import PaymentOutcome
from services import items
from services.access import actor_of
from services.db.documents import Payment, PaymentSettings
from services.db.users import User
from tests.e2e.test_deals_live import anna_gets_a_card
from tests.support.catalog import NOW, names, product
from tests.support.live import Live


async def test_an_invoice_is_paid_in_telegram(live: Live) -> None:
    emu = live.emulator
    card = await anna_gets_a_card(live)
    async with live.app.sessions() as session:
        glue = await product(session, NOW, names("Skirting glue", "Yapışqan", "Клей"), "7.00")
        session.add(
            PaymentSettings(id=1, provider_token=emu.payment_provider_token, updated_at=NOW)
        )
        anna_account = await session.scalar(select(User).where(User.tg_id == 200))
        assert anna_account is not None
        await items.add(
            session, actor_of(anna_account, "en"), 1, 1, glue.id, "10", live.app.clock.now()
        )
    anna, leyla = emu.user(200, "Anna"), emu.user(100, "Leyla")
    answer = await anna.press("⋯ More", message_id=card.message_id)
    # The item added since made the card out of date: it is drawn again, More pressed again.
    assert answer is not None and (answer.text or "").startswith("This card was out of date")
    await anna.press("⋯ More", message_id=card.message_id)
    await anna.press("🗂 Documents", message_id=card.message_id)
    await anna.press("🧾 Make an invoice", message_id=card.message_id)
    handed = await anna.wait_for_bot_message(predicate=lambda m: m.document is not None)
    assert (handed.caption or "").startswith("Invoice INV-2026-0001 is made.")
    await anna.press("📤 Send INV-2026-0001", message_id=card.message_id)
    document = await leyla.wait_for_bot_message(predicate=lambda m: m.document is not None)
    assert (document.caption or "") == "Счёт INV-2026-0001 по вашей заявке №1."
    invoice = await leyla.wait_for_bot_message(predicate=lambda m: m.invoice is not None)
    assert invoice.invoice is not None
    assert (invoice.invoice.currency, invoice.invoice.total_amount) == ("AZN", 7000)
    query = leyla.pay(invoice.message_id)
    outcome = await leyla.wait_for_payment(query, timeout=5)
    assert isinstance(outcome, PaymentOutcome) and outcome.ok
    thanks = await leyla.wait_for_bot_message(predicate=lambda m: "70,00" in (m.text or ""))
    assert (thanks.text or "").startswith("💳 Мы получили 70,00")
    told = await anna.wait_for_bot_message(predicate=lambda m: "received" in (m.text or ""))
    assert (told.text or "").splitlines() == [
        "💳 AZN70.00 received for request #1.",
        "💳 Paid AZN70.00 · owed AZN0.00",
    ]
    async with live.app.sessions() as session:
        paid = list(await session.scalars(select(Payment)))
    assert [(p.amount, p.method, p.document_id) for p in paid] == [
        (Decimal("70.00"), "telegram", 1)
    ]
