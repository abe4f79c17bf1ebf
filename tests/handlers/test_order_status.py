"""The order's status to the customer with what they need at that step: the delivery date and
tracking number a manager typed, what is left to pay with a Pay button, the latest document."""

from __future__ import annotations

from aiogram.methods import SendDocument, SendInvoice, SendMessage

from services.db.deals import Deal
from services.db.documents import Delivery, PaymentSettings
from tests.support.calls import answer_of, buttons, sent_to, without_answers
from tests.support.deals import ANNA, LEYLA
from tests.support.harness import Harness
from tests.support.items import ten_glue

SCREEN = 905


async def test_a_manager_types_the_delivery_and_the_customer_is_told(tg: Harness) -> None:
    await ten_glue(tg)
    [prompt] = without_answers(await tg.press(ANNA, "dc:d:1", message_id=SCREEN))
    assert prompt.text.startswith("When is the order of request #1 delivered?")
    [refused] = await tg.send(ANNA, "next week")
    assert refused.text.startswith("Send the delivery date like 24.12.2026")
    [done] = await tg.send(ANNA, "24.12.2026\nTRK-77")
    assert done.text == (
        "🚚 Delivery: December 24, 2026 · tracking number TRK-77\n"
        "Request #1: the customer is told."
    )
    async with tg.app.sessions() as session:
        delivery = await session.get_one(Delivery, 1)
    assert (str(delivery.delivery_on), delivery.tracking) == ("2026-12-24", "TRK-77")
    [told] = sent_to(await tg.deliver(), LEYLA.id)
    assert told.text == (
        "Ваша заявка №1:\n🚚 Доставка: 24 декабря 2026\u202fг. · трек-номер TRK-77"
    )


async def test_the_stage_notice_brings_what_is_owed_the_pay_button_and_the_invoice(
    tg: Harness,
) -> None:
    await ten_glue(tg)
    async with tg.app.sessions() as session:
        session.add(PaymentSettings(id=1, provider_token="TEST:1:x", updated_at=tg.clock.now()))
        await session.commit()
    await tg.press(ANNA, "dc:i:1", message_id=SCREEN)
    await tg.press(ANNA, "dc:s:1", message_id=SCREEN)
    await tg.press(ANNA, "dc:p:1", message_id=SCREEN)
    await tg.send(ANNA, "30")
    await tg.deliver()
    async with tg.app.sessions() as session:
        version = (await session.get_one(Deal, 1)).version
    calls = await tg.press(ANNA, f"dk:g:1:{version}:4", message_id=SCREEN)
    assert answer_of(calls).text == "Moved to Invoice sent."
    notice, pay = sent_to(await tg.deliver(), LEYLA.id)
    assert isinstance(notice, SendMessage)
    assert notice.text.splitlines() == [
        "Ваша заявка №1 теперь: Счёт выставлен",
        "💳 Осталось оплатить: 40,00\xa0AZN",
    ]
    assert buttons(notice) == [[("📄 Счёт INV-2026-0001", "da:f:1")]]
    assert isinstance(pay, SendInvoice)
    assert [(p.label, p.amount) for p in pay.prices] == [("Счёт INV-2026-0001", 4000)]
    # The invoice again, by the file id Telegram gave it.
    [again] = without_answers(await tg.press(LEYLA, "da:f:1"))
    assert isinstance(again, SendDocument) and isinstance(again.document, str)
    # Nobody else gets it.
    calls = await tg.press(ANNA, "da:f:1")
    assert answer_of(calls).text == "Sorry, you can't do that."
