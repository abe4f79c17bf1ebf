"""Payments of a deal: marked by its manager, and paid in Telegram from an invoice when the
owner gave a payment provider token; the card shows paid and owed, the customer is thanked,
the rules' "payment received" fires."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aiogram.methods import AnswerPreCheckoutQuery, DeleteMessage, SendDocument, SendInvoice
from aiogram.types import PreCheckoutQuery, SuccessfulPayment, Update, User
from sqlalchemy import select, update

from services.access import actor_of
from services.db.deals import Deal, Stage
from services.db.documents import Payment, PaymentSettings
from services.db.rules import DealTag
from services.db.users import User as Account
from tests.support.calls import sent_to, without_answers
from tests.support.deals import ANNA, BAKO, LEYLA, OLGA
from tests.support.harness import Harness
from tests.support.items import ten_glue
from tests.support.rules import rule

SCREEN = 905


async def payments(tg: Harness) -> list[tuple[Decimal, str, str | None]]:
    async with tg.app.sessions() as session:
        rows = await session.scalars(select(Payment).order_by(Payment.id))
        return [(p.amount, p.method, p.external_id) for p in rows]


async def tag_on_payment(tg: Harness) -> None:
    async with tg.app.sessions() as session:
        olga = await session.scalar(select(Account).where(Account.tg_id == OLGA.id))
        assert olga is not None
        await rule(
            session,
            actor_of(olga, "en"),
            tg.clock,
            when={"event": "payment_received"},
            then=[{"do": "tag", "tag": "paid"}],
        )


async def test_the_manager_marks_a_payment_and_the_card_shows_what_is_owed(
    tg: Harness,
) -> None:
    await ten_glue(tg)
    await tag_on_payment(tg)
    [prompt] = without_answers(await tg.press(ANNA, "dc:p:1", message_id=SCREEN))
    assert prompt.text == (
        "How much did the customer pay for request #1? Send the amount, or /cancel.\n"
        "Owed: AZN70.00"
    )
    [refused] = await tg.send(ANNA, "thirty")
    assert refused.text.startswith("That doesn't look like an amount.")
    [done] = await tg.send(ANNA, "30")
    assert done.text == ("💳 AZN30.00 recorded for request #1.\n💳 Paid AZN30.00 · owed AZN40.00")
    assert await payments(tg) == [(Decimal("30.00"), "manual", None)]
    sent = await tg.deliver()
    # Leyla is thanked in Russian; Anna, who marked it, is not told again.
    [thanks] = sent_to(sent, LEYLA.id)
    assert thanks.text.splitlines()[0].startswith("💳 Мы получили")
    assert sent_to(sent, ANNA.id) == []
    [card] = without_answers(await tg.press(ANNA, "dk:c:1:2:0", message_id=SCREEN))
    assert "💳 Paid AZN30.00 · owed AZN40.00" in card.text.splitlines()
    async with tg.app.sessions() as session:
        assert list(await session.scalars(select(DealTag.tag))) == ["paid"]


async def test_a_manager_of_another_deal_cannot_mark_a_payment(tg: Harness) -> None:
    await ten_glue(tg)
    async with tg.app.sessions() as session:
        session.add(
            Account(tg_id=BAKO.id, role="manager", first_name="Bako", created_at=tg.clock.now())
        )
        await session.commit()
    calls = await tg.press(BAKO, "dc:p:1", message_id=SCREEN)
    assert without_answers(calls) == []
    assert await payments(tg) == []


def checkout(user: User, payload: str, total: int, currency: str = "AZN") -> Update:
    query = PreCheckoutQuery(
        id=f"q{total}{user.id}",
        from_user=user,
        currency=currency,
        total_amount=total,
        invoice_payload=payload,
    )
    return Update(update_id=7000 + total + user.id, pre_checkout_query=query)


async def answer_to(tg: Harness, update: Update) -> AnswerPreCheckoutQuery:
    [answer] = [c for c in await tg._feed(update) if isinstance(c, AnswerPreCheckoutQuery)]
    return answer


async def pays(tg: Harness, payload: str, total: int, charge: str) -> list[Any]:
    paid = SuccessfulPayment(
        currency="AZN",
        total_amount=total,
        invoice_payload=payload,
        telegram_payment_charge_id=charge,
        provider_payment_charge_id=f"p-{charge}",
    )
    message = tg.message(LEYLA).model_copy(update={"successful_payment": paid})
    return await tg._feed(Update(update_id=8000 + total, message=message))


async def test_the_customer_pays_an_invoice_in_telegram(tg: Harness) -> None:
    await tg.send(OLGA, "/company")
    await tg.press(OLGA, "co:p:en:0")
    calls = await tg.send(OLGA, "TEST:12345:abc")
    # The token does not stay in the chat, and is kept for the invoices.
    assert any(isinstance(c, DeleteMessage) for c in calls)
    async with tg.app.sessions() as session:
        settings = await session.get_one(PaymentSettings, 1)
    assert settings.provider_token == "TEST:12345:abc"
    assert "<b>Payments in Telegram:</b> on" in calls[-1].text.splitlines()

    await ten_glue(tg)
    await tg.press(ANNA, "dc:i:1", message_id=SCREEN)
    await tg.press(ANNA, "dc:s:1", message_id=SCREEN)
    document, invoice = sent_to(await tg.deliver(), LEYLA.id)
    assert isinstance(document, SendDocument) and isinstance(invoice, SendInvoice)
    assert (invoice.title, invoice.payload, invoice.currency) == (
        "Счёт INV-2026-0001",
        "inv:1",
        "AZN",
    )
    assert invoice.provider_token == "TEST:12345:abc"
    assert [(p.label, p.amount) for p in invoice.prices] == [("Счёт INV-2026-0001", 7000)]

    # Someone else, another currency, or more than is owed: refused before any money moves.
    bako = await answer_to(tg, checkout(BAKO, "inv:1", 7000))
    assert (bako.ok, bako.error_message) == (False, "Sorry, you can't do that.")
    dollars = await answer_to(tg, checkout(LEYLA, "inv:1", 7000, "USD"))
    assert dollars.ok is False
    forged = await answer_to(tg, checkout(LEYLA, "inv:999", 7000))
    assert forged.ok is False
    too_much = await answer_to(tg, checkout(LEYLA, "inv:1", 7001))
    assert too_much.ok is False and "больше" in (too_much.error_message or "")
    assert (await answer_to(tg, checkout(LEYLA, "inv:1", 7000))).ok is True

    await pays(tg, "inv:1", 7000, "ch-1")
    # Telegram reporting the same payment again records nothing more.
    await pays(tg, "inv:1", 7000, "ch-1")
    assert await payments(tg) == [(Decimal("70.00"), "telegram", "tg:ch-1")]
    sent = await tg.deliver()
    assert [c.text.splitlines()[0] for c in sent_to(sent, ANNA.id)] == [
        "💳 AZN70.00 received for request #1."
    ]
    assert len(sent_to(sent, LEYLA.id)) == 1
    # Nothing is owed any more: paying again is refused.
    again = await answer_to(tg, checkout(LEYLA, "inv:1", 100))
    assert again.ok is False


async def test_a_lost_request_is_not_paid_for(tg: Harness) -> None:
    await ten_glue(tg)
    async with tg.app.sessions() as session:
        session.add(PaymentSettings(id=1, provider_token="TEST:1:x", updated_at=tg.clock.now()))
        lost = await session.scalar(select(Stage.id).where(Stage.kind == "lost"))
        await session.commit()
    await tg.press(ANNA, "dc:i:1", message_id=SCREEN)
    await tg.press(ANNA, "dc:s:1", message_id=SCREEN)
    await tg.deliver()
    assert (await answer_to(tg, checkout(LEYLA, "inv:1", 7000))).ok is True
    async with tg.app.sessions() as session:
        await session.execute(update(Deal).where(Deal.id == 1).values(stage_id=lost))
        await session.commit()
    refused = await answer_to(tg, checkout(LEYLA, "inv:1", 7000))
    assert (refused.ok, refused.error_message) == (
        False,
        "Эта заявка закрыта. Владелец может открыть её снова.",
    )


async def test_a_refused_token_does_not_stay_in_the_chat(
    tg: Harness,
) -> None:
    await tg.send(OLGA, "/company")
    await tg.press(OLGA, "co:p:en:0")
    calls = await tg.send(OLGA, "not a token")
    assert any(isinstance(c, DeleteMessage) for c in calls)
    assert calls[-1].text.startswith("That doesn't look like a payment provider token.")
    async with tg.app.sessions() as session:
        assert await session.get(PaymentSettings, 1) is None
