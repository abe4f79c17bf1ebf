"""Payments: invoices refused as Telegram refuses them, a user paying, the bot's pre-checkout
answer within Telegram's 10 seconds, and the successful_payment message of a payment made."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LabeledPrice,
    Message,
    PreCheckoutQuery,
    Update,
)

from emulator import ApiError, EmulatedUser, Emulator, EmulatorUsageError, Event, StoredMessage
from emulator.models import PaymentOutcome
from tests.support.emulator import FakeClock, RawApi

TOKEN = "TEST:emulator"
TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
PAY_MARKUP = InlineKeyboardMarkup(
    inline_keyboard=[
        [InlineKeyboardButton(text="Pay 12.50 AZN", pay=True)],
        [InlineKeyboardButton(text="Terms", url="https://example.com/terms")],
    ]
)


def invoice_body(**extra: Any) -> dict[str, Any]:
    """A valid sendInvoice request to user 101, changed by extra (None removes a field)."""
    body: dict[str, Any] = {
        "chat_id": 101,
        "title": "Deal #7",
        "description": "Two chairs and a table",
        "payload": "deal:7:v2",
        "provider_token": TOKEN,
        "currency": "AZN",
        "prices": [{"label": "Chairs", "amount": 800}, {"label": "Table", "amount": 450}],
    }
    body.update(extra)
    return {key: value for key, value in body.items() if value is not None}


async def send_invoice(bot: Bot, chat_id: int = 101, **extra: Any) -> Message:
    return await bot.send_invoice(
        chat_id,
        "Deal #7",
        "Two chairs and a table",
        "deal:7:v2",
        "AZN",
        [LabeledPrice(label="Chairs", amount=800), LabeledPrice(label="Table", amount=450)],
        provider_token=TOKEN,
        **extra,
    )


async def drain(bot: Bot) -> list[Update]:
    """The pending updates, confirmed."""
    updates = await bot.get_updates()
    if updates:
        await bot.get_updates(offset=updates[-1].update_id + 1)
    return updates


async def next_pre_checkout(bot: Bot) -> PreCheckoutQuery:
    [update] = await drain(bot)
    assert update.pre_checkout_query is not None
    return update.pre_checkout_query


def started(emulator: Emulator, user_id: int = 101, **fields: Any) -> EmulatedUser:
    user = emulator.user(user_id, "Ann", **fields)
    user.start()
    return user


def payments(user: EmulatedUser) -> list[StoredMessage]:
    return [m for m in user.messages() if m.successful_payment is not None]


def charge_id(message: StoredMessage) -> str:
    assert message.successful_payment is not None
    return str(message.successful_payment["telegram_payment_charge_id"])


async def test_invoice_is_a_message_with_its_pay_button(bot: Bot, emulator: Emulator) -> None:
    ann = started(emulator)
    sent = await send_invoice(bot, start_parameter="deal7", reply_markup=PAY_MARKUP)
    assert sent.invoice is not None
    assert (sent.invoice.title, sent.invoice.description, sent.invoice.start_parameter) == (
        "Deal #7",
        "Two chairs and a table",
        "deal7",
    )
    assert (sent.invoice.currency, sent.invoice.total_amount) == ("AZN", 1250)
    assert sent.reply_markup is not None and sent.reply_markup.inline_keyboard[0][0].pay
    stored = ann.last_bot_message()
    assert stored is not None and stored.message_id == sent.message_id
    assert stored.to_telegram()["invoice"] == {
        "title": "Deal #7",
        "description": "Two chairs and a table",
        "start_parameter": "deal7",
        "currency": "AZN",
        "total_amount": 1250,
    }
    assert stored.reply_markup == {
        "inline_keyboard": [
            [{"text": "Pay 12.50 AZN", "pay": True}],
            [{"text": "Terms", "url": "https://example.com/terms"}],
        ]
    }
    assert stored.invoice is not None and stored.invoice.payload == "deal:7:v2"
    # Telegram Stars: no provider token, one price; without a keyboard the app shows Pay.
    stars = await bot.send_invoice(
        101, "Boost", "A month", "boost", "XTR", [LabeledPrice(label="Boost", amount=50)]
    )
    assert stars.invoice is not None and stars.invoice.start_parameter == ""
    assert (stars.invoice.currency, stars.invoice.total_amount) == ("XTR", 50)
    assert stars.reply_markup is None


def build_shop(seen: list[PreCheckoutQuery], refuse: set[str]) -> Dispatcher:
    """A shop bot: agrees to every payment but those of refused payloads, and thanks for
    each payment made."""
    dp = Dispatcher()

    @dp.pre_checkout_query()
    async def check(query: PreCheckoutQuery) -> None:
        seen.append(query)
        if query.invoice_payload in refuse:
            await query.answer(ok=False, error_message="Sold out, sorry")
        else:
            await query.answer(ok=True)

    @dp.message(F.successful_payment)
    async def paid(message: Message) -> None:
        payment = message.successful_payment
        assert payment is not None
        await message.answer(f"Paid {payment.total_amount} for {payment.invoice_payload}")

    return dp


@pytest.fixture
async def shop(bot: Bot) -> AsyncIterator[tuple[list[PreCheckoutQuery], set[str]]]:
    seen: list[PreCheckoutQuery] = []
    refuse: set[str] = set()
    task = asyncio.create_task(
        build_shop(seen, refuse).start_polling(
            bot, handle_signals=False, close_bot_session=False, polling_timeout=30
        )
    )
    yield seen, refuse
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_a_payment_reaches_the_bot_and_is_made(
    bot: Bot, emulator: Emulator, shop: tuple[list[PreCheckoutQuery], set[str]]
) -> None:
    seen, _ = shop
    ann = started(emulator, last_name="Aliyeva", phone_number="+994501234567")
    invoice = await send_invoice(bot, need_name=True, need_phone_number=True)
    query_id = ann.pay(invoice.message_id)
    outcome = await ann.wait_for_payment(query_id)
    assert outcome is not None and outcome.ok and outcome.error_message is None
    [query] = seen
    assert (query.id, query.from_user.id, query.currency, query.total_amount) == (
        query_id,
        101,
        "AZN",
        1250,
    )
    assert query.invoice_payload == "deal:7:v2"
    assert query.order_info is not None
    assert (query.order_info.name, query.order_info.phone_number) == (
        "Ann Aliyeva",
        "+994501234567",
    )
    message = outcome.message
    assert message is not None and not message.outgoing and message.successful_payment
    payment = message.successful_payment
    assert (payment["currency"], payment["total_amount"], payment["invoice_payload"]) == (
        "AZN",
        1250,
        "deal:7:v2",
    )
    assert payment["telegram_payment_charge_id"] and payment["provider_payment_charge_id"]
    assert payment["order_info"] == {"name": "Ann Aliyeva", "phone_number": "+994501234567"}
    thanks = await ann.wait_for_bot_message(after=message.message_id)
    assert thanks.text == "Paid 1250 for deal:7:v2"
    # Paying the same invoice again is a second payment the bot must tell apart.
    again = await ann.wait_for_payment(ann.pay(invoice.message_id))
    assert again is not None and again.ok and again.message is not None
    charges = {charge_id(m) for m in payments(ann)}
    assert len(charges) == 2
    await ann.wait_for_bot_message(after=again.message.message_id)


async def test_a_refused_payment_shows_its_error_and_sends_nothing(
    bot: Bot, emulator: Emulator, shop: tuple[list[PreCheckoutQuery], set[str]]
) -> None:
    _, refuse = shop
    refuse.add("deal:7:v2")
    seen: list[Event] = []
    emulator.bus.add_listener(seen.append)
    ann = started(emulator)
    invoice = await send_invoice(bot)
    query_id = ann.pay(invoice.message_id)
    outcome = await ann.wait_for_payment(query_id)
    assert outcome == PaymentOutcome(query_id, False, "Sold out, sorry", None)
    assert payments(ann) == []
    answer = next(e for e in seen if e.kind == "pre_checkout_answer")
    assert (answer.data["ok"], answer.data["error_message"]) == (False, "Sold out, sorry")
    assert answer.data["message_id"] == invoice.message_id
    record = emulator.pre_checkout_queries[answer.data["pre_checkout_query_id"]]
    assert record.outcome is not None and record.outcome.error_message == "Sold out, sorry"


async def test_no_answer_within_ten_seconds_fails_the_payment(
    bot: Bot, emulator: Emulator, clock: FakeClock
) -> None:
    ann = started(emulator)
    invoice = await send_invoice(bot)
    await drain(bot)
    query_id = ann.pay(invoice.message_id)
    waiting = asyncio.create_task(ann.wait_for_payment(query_id, timeout=5))
    query = await next_pre_checkout(bot)
    assert query.id == query_id and not waiting.done()
    clock.advance(emulator.pre_checkout_query_timeout + 0.5)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_pre_checkout_query(query.id, ok=True)
    assert await waiting is None
    assert await ann.wait_for_payment(query_id) is None  # at once: expired
    assert payments(ann) == [] and await bot.get_updates() == []
    # Just within Telegram's time an answer still counts.
    query_id = ann.pay(invoice.message_id)
    clock.advance(emulator.pre_checkout_query_timeout - 0.5)
    assert await bot.answer_pre_checkout_query(query_id, ok=True)
    outcome = await ann.wait_for_payment(query_id)
    assert outcome is not None and outcome.ok


async def test_the_answer_timeout_is_injectable(clock: FakeClock) -> None:
    emulator = Emulator(clock=clock, pre_checkout_query_timeout=2.0)
    ann = started(emulator)
    sent = await emulator.call("sendInvoice", invoice_body())
    late = ann.pay(sent["message_id"])
    clock.advance(2.5)
    with pytest.raises(ApiError, match="query is too old"):
        await emulator.call("answerPreCheckoutQuery", {"pre_checkout_query_id": late, "ok": True})
    assert await ann.wait_for_payment(late) is None
    fresh = ann.pay(sent["message_id"])
    clock.advance(1.5)
    assert await emulator.call("answerPreCheckoutQuery", {"pre_checkout_query_id": fresh, "ok": 1})
    outcome = await ann.wait_for_payment(fresh)
    assert outcome is not None and outcome.ok and len(payments(ann)) == 1


async def test_each_invoice_refusal_has_telegrams_words(raw: RawApi, emulator: Emulator) -> None:
    started(emulator)
    first_not_pay = {
        "inline_keyboard": [
            [{"text": "Terms", "url": "https://example.com"}, {"text": "Pay", "pay": True}]
        ]
    }
    no_pay = {"inline_keyboard": [[{"text": "Terms", "url": "https://example.com"}]]}
    one = [{"label": "Boost", "amount": 50}]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"currency": "ABC"}, "CURRENCY_INVALID"),
        ({"currency": "usd"}, "CURRENCY_INVALID"),
        ({"prices": []}, "there must be at least one price"),
        (
            {"prices": [{"label": "", "amount": 100}]},
            "can't parse labeled price: LabeledPrice label must be non-empty",
        ),
        ({"prices": [{"label": "Free", "amount": 0}]}, "total price must be positive"),
        (
            {"prices": [{"label": "A", "amount": 500}, {"label": "Discount", "amount": -500}]},
            "total price must be positive",
        ),
        (
            {"prices": [{"label": "A", "amount": 10**13}]},
            "too big amount of the currency specified",
        ),
        ({"payload": "p" * 129}, "INVOICE_PAYLOAD_INVALID"),
        ({"payload": "я" * 65}, "INVOICE_PAYLOAD_INVALID"),
        ({"provider_token": "284685063:TEST:other"}, "PAYMENT_PROVIDER_INVALID"),
        ({"provider_token": None}, "PAYMENT_PROVIDER_INVALID"),
        ({"currency": "XTR", "provider_token": None}, "STARS_INVOICE_INVALID"),
        ({"currency": "XTR", "prices": one}, "PAYMENT_PROVIDER_INVALID"),
        ({"reply_markup": first_not_pay}, "BUTTON_POS_INVALID"),
        ({"reply_markup": no_pay}, "REPLY_MARKUP_BUY_EMPTY"),
        ({"title": "t" * 33}, "TITLE_INVALID"),
        ({"description": "d" * 256}, "DESCRIPTION_INVALID"),
        (
            {"max_tip_amount": 100, "suggested_tip_amounts": [50, 150]},
            ("suggested tip amount can't be bigger than max_tip_amount"),
        ),
        (
            {"max_tip_amount": 100, "suggested_tip_amounts": [1, 2, 3, 4, 5]},
            ("there can be at most 4 suggested tip amounts"),
        ),
        ({"prices": "not json"}, "can't parse prices JSON object"),
    ]
    for extra, reason in cases:
        status, reply = await raw.call("sendInvoice", json=invoice_body(**extra))
        assert (status, reply.get("description")) == (400, f"Bad Request: {reason}"), extra
    assert emulator.messages(101)[-1].invoice is None  # only the user's /start
    accepted = [
        invoice_body(),
        invoice_body(title="t" * 32, description="d" * 255, payload="p" * 128),
        invoice_body(currency="XTR", provider_token=None, prices=one),
        invoice_body(currency="XTR", provider_token="", prices=one),
        invoice_body(reply_markup={"inline_keyboard": [[{"text": "Pay", "pay": True}]]}),
    ]
    for body in accepted:
        status, reply = await raw.call("sendInvoice", json=body)
        assert status == 200 and reply["result"]["invoice"]["title"], reply
    # Any "pay" field makes the Pay button, returned as Telegram returns it.
    markup = {"inline_keyboard": [[{"text": "Pay", "pay": False}]]}
    status, reply = await raw.call("sendInvoice", json=invoice_body(reply_markup=markup))
    assert reply["result"]["reply_markup"] == {"inline_keyboard": [[{"text": "Pay", "pay": True}]]}
    status, reply = await raw.call("sendInvoice", json=invoice_body(chat_id=555))
    assert (status, reply["description"]) == (400, "Bad Request: chat not found")


async def test_the_provider_token_is_the_emulators() -> None:
    custom = Emulator(payment_provider_token="381764678:TEST:shop")
    custom.user(101).start()
    with pytest.raises(ApiError, match="PAYMENT_PROVIDER_INVALID"):
        await custom.call("sendInvoice", invoice_body())
    sent = await custom.call("sendInvoice", invoice_body(provider_token="381764678:TEST:shop"))
    assert sent["invoice"]["total_amount"] == 1250
    with pytest.raises(ValueError, match="provider token"):
        Emulator(payment_provider_token="")


async def test_each_answer_refusal_has_telegrams_words(
    bot: Bot, raw: RawApi, emulator: Emulator
) -> None:
    ann = started(emulator)
    invoice = await send_invoice(bot)
    query_id = ann.pay(invoice.message_id)

    async def answer(**body: Any) -> str:
        status, reply = await raw.call("answerPreCheckoutQuery", json=body)
        assert (status == 200) == reply["ok"]
        return "" if reply["ok"] else str(reply["description"])

    assert await answer(pre_checkout_query_id=query_id, ok=False) == (
        'Bad Request: parameter "error_message" is required'
    )
    assert await answer(pre_checkout_query_id=query_id, ok=False, error_message="") == (
        'Bad Request: parameter "error_message" is required'
    )
    assert await answer(pre_checkout_query_id="123456", ok=True) == TOO_OLD
    assert emulator.pre_checkout_queries[query_id].outcome is None
    assert await answer(pre_checkout_query_id=query_id, ok=True) == ""
    assert await answer(pre_checkout_query_id=query_id, ok=True) == TOO_OLD
    assert await answer(pre_checkout_query_id=query_id, ok=False, error_message="No") == TOO_OLD
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_pre_checkout_query(query_id, ok=True)
    assert len(payments(ann)) == 1


async def test_what_cannot_be_paid(bot: Bot, emulator: Emulator) -> None:
    ann = started(emulator)
    text = await bot.send_message(101, "Not an invoice")
    with pytest.raises(EmulatorUsageError, match="has no invoice"):
        ann.pay(text.message_id)
    with pytest.raises(EmulatorUsageError, match="no message 99 in the chat of user 101"):
        ann.pay(99)
    ben = started(emulator, 102)
    invoice = await send_invoice(bot)
    with pytest.raises(EmulatorUsageError, match="no message"):
        ben.pay(invoice.message_id + 100)
    with pytest.raises(EmulatorUsageError, match="made no payment"):
        await ben.wait_for_payment(ann.pay(invoice.message_id))
    with pytest.raises(EmulatorUsageError, match="has no invoice"):
        ann.pay(ann.messages()[0].message_id)  # the user's own /start
    asks = await send_invoice(bot, need_phone_number=True, need_email=True)
    with pytest.raises(EmulatorUsageError, match="phone number"):
        ann.pay(asks.message_id, order_info={"email": "ann@example.com"})
    with pytest.raises(EmulatorUsageError, match="email"):
        ann.pay(asks.message_id, order_info={"phone_number": "+994501234567"})
    with pytest.raises(EmulatorUsageError, match="order_info has no age"):
        ann.pay(asks.message_id, order_info={"age": 30})
    tips = await send_invoice(bot, max_tip_amount=300)
    with pytest.raises(EmulatorUsageError, match="a tip is 0 to 300"):
        ann.pay(tips.message_id, tip_amount=301)
    await drain(bot)
    ann.pay(tips.message_id, tip_amount=200)
    assert (await next_pre_checkout(bot)).total_amount == 1450
    ann.block()
    with pytest.raises(EmulatorUsageError, match="blocked the bot"):
        ann.pay(invoice.message_id)


async def test_shipping_address_and_email_given_by_the_user(bot: Bot, emulator: Emulator) -> None:
    ann = started(emulator)
    invoice = await send_invoice(bot, need_email=True, need_shipping_address=True)
    await drain(bot)
    address = {
        "country_code": "AZ",
        "city": "Baku",
        "street_line1": "Nizami 1",
        "post_code": "1000",
    }
    ann.pay(
        invoice.message_id, order_info={"email": "ann@example.com", "shipping_address": address}
    )
    query = await next_pre_checkout(bot)
    assert query.order_info is not None and query.order_info.email == "ann@example.com"
    assert query.order_info.shipping_address is not None
    assert (query.order_info.shipping_address.city, query.order_info.shipping_address.state) == (
        "Baku",
        "",
    )
    with pytest.raises(EmulatorUsageError, match="a shipping address needs"):
        ann.pay(
            invoice.message_id, order_info={"email": "a@b.c", "shipping_address": {"city": "Baku"}}
        )


async def test_control_routes_and_events(bot: Bot, raw: RawApi, emulator: Emulator) -> None:
    seen: list[Event] = []
    emulator.bus.add_listener(seen.append)
    await raw.control("POST", "users", json={"id": 301, "first_name": "Dilnoza"})
    await raw.control("POST", "users/301/start", json={})
    invoice = await send_invoice(bot, 301)
    await drain(bot)
    status, body = await raw.control(
        "POST", "users/301/pay", json={"message_id": invoice.message_id}
    )
    assert status == 200
    query_id = body["result"]["query_id"]
    status, body = await raw.control("GET", f"pre_checkout_queries/{query_id}")
    assert (status, body["ok"]) == (404, False) and "not answered" in body["error"]
    query = await next_pre_checkout(bot)
    assert query.id == query_id
    await bot.answer_pre_checkout_query(query_id, ok=True)
    status, body = await raw.control("GET", f"pre_checkout_queries/{query_id}")
    assert status == 200 and body["result"]["ok"] is True
    paid = body["result"]["message"]["message"]["successful_payment"]
    assert (paid["invoice_payload"], paid["total_amount"]) == ("deal:7:v2", 1250)
    status, body = await raw.control("POST", "users/301/pay", json={"message_id": 999})
    assert status == 400 and "no message 999" in body["error"]
    status, body = await raw.control("POST", "users/301/pay", json={})
    assert status == 400 and "message_id is required" in body["error"]
    status, body = await raw.control("GET", "pre_checkout_queries/42")
    assert status == 404
    refused_id = (
        await raw.control("POST", "users/301/pay", json={"message_id": invoice.message_id})
    )[1]["result"]["query_id"]
    await bot.answer_pre_checkout_query(refused_id, ok=False, error_message="Out of stock")
    status, body = await raw.control("GET", f"pre_checkout_queries/{refused_id}")
    assert body["result"] == {
        "query_id": refused_id,
        "ok": False,
        "error_message": "Out of stock",
        "message": None,
    }
    kinds = [e.kind for e in seen]
    assert kinds[kinds.index("pre_checkout_query") :] == [
        "pre_checkout_query",
        "pre_checkout_answer",
        "message",
        "pre_checkout_query",
        "pre_checkout_answer",
    ]
    assert seen[kinds.index("pre_checkout_query")].data["message_id"] == invoice.message_id
