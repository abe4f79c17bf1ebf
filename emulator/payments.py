"""Payments: invoices the bot sends, users paying them, the pre-checkout queries the bot must
answer within Telegram's 10 seconds, and the successful_payment message of a payment made."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from .content import reply_target
from .errors import QUERY_TOO_OLD, EmulatorUsageError, bad_request
from .models import EmuUser, Invoice, PaymentOutcome, PreCheckoutRecord
from .state import EmulatorState

# What BotFather's test provider token looks like for the emulator's one payment provider.
DEFAULT_PROVIDER_TOKEN = "TEST:emulator"
# Telegram waits this long for answerPreCheckoutQuery; after it the payment fails.
PRE_CHECKOUT_TIMEOUT = 10.0
STARS = "XTR"
# Telegram's currencies for payments (core.telegram.org/bots/payments#supported-currencies,
# from its currencies.json), and Telegram Stars.
CURRENCIES = frozenset(
    {
        *("AED", "AFN", "ALL", "AMD", "ARS", "AUD", "AZN", "BAM", "BDT", "BGN", "BND"),
        *("BOB", "BRL", "BYN", "CAD", "CHF", "CLP", "CNY", "COP", "CRC", "CZK", "DKK"),
        *("DOP", "DZD", "EGP", "ETB", "EUR", "GBP", "GEL", "GTQ", "HKD", "HNL", "HRK"),
        *("HUF", "IDR", "ILS", "INR", "ISK", "JMD", "JPY", "KES", "KGS", "KRW", "KZT"),
        *("LBP", "LKR", "MAD", "MDL", "MNT", "MUR", "MVR", "MXN", "MYR", "MZN", "NGN"),
        *("NIO", "NOK", "NPR", "NZD", "PAB", "PEN", "PHP", "PKR", "PLN", "PYG", "QAR"),
        *("RON", "RSD", "RUB", "SAR", "SEK", "SGD", "THB", "TJS", "TRY", "TTD", "TWD"),
        *("TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VND", "YER", "ZAR", STARS),
    }
)
MAX_TITLE = 32
MAX_DESCRIPTION = 255
MAX_PAYLOAD_BYTES = 128
MAX_SUGGESTED_TIPS = 4
# tdlib's bound on any amount of a currency (check_currency_amount).
MAX_AMOUNT = 9999_9999_9999
# What an invoice may ask of the user, in OrderInfo's order, by the sendInvoice flag.
ORDER_FIELDS = {
    "name": "need_name",
    "phone_number": "need_phone_number",
    "email": "need_email",
    "shipping_address": "need_shipping_address",
}
_ADDRESS_REQUIRED = ("country_code", "city", "street_line1", "post_code")
_ADDRESS_OPTIONAL = ("state", "street_line2")


def _parse_prices(prices: list[dict[str, Any]]) -> None:
    """The Bot API's own parsing of the prices, before anything reaches tdlib."""
    for price in prices:
        if not price["label"]:
            raise bad_request("can't parse labeled price: LabeledPrice label must be non-empty")
    if not prices:
        raise bad_request("there must be at least one price")


def _check_amounts(params: dict[str, Any]) -> None:
    """tdlib's checks of the amounts (InputInvoice), in its words."""
    total = 0
    for price in params["prices"]:
        if abs(price["amount"]) > MAX_AMOUNT:
            raise bad_request("too big amount of the currency specified")
        total += price["amount"]
    if total <= 0:
        raise bad_request("total price must be positive")
    if total > MAX_AMOUNT:
        raise bad_request("total price is too big")
    max_tip = params.get("max_tip_amount", 0)
    if not 0 <= max_tip <= MAX_AMOUNT:
        raise bad_request("invalid max_tip_amount of the currency specified")
    tips: list[int] = params.get("suggested_tip_amounts", [])
    for tip in tips:
        if tip <= 0:
            raise bad_request("suggested tip amount must be positive")
        if tip > max_tip:
            raise bad_request("suggested tip amount can't be bigger than max_tip_amount")
    if len(tips) > MAX_SUGGESTED_TIPS:
        raise bad_request("there can be at most 4 suggested tip amounts")


def _check_pay_button(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """An invoice's keyboard must start with its Pay button (none: Telegram shows one)."""
    if markup is None:
        return None
    buttons = [button for row in markup["inline_keyboard"] for button in row]
    if not buttons:
        return None
    pays = [index for index, button in enumerate(buttons) if "pay" in button]
    if not pays:
        raise bad_request("REPLY_MARKUP_BUY_EMPTY")
    if pays != [0]:
        raise bad_request("BUTTON_POS_INVALID")
    # Any "pay" field makes a Pay button, which the Bot API returns as "pay": true.
    rows = markup["inline_keyboard"]
    first = next(index for index, row in enumerate(rows) if row)
    pay = {**rows[first][0], "pay": True}
    return {
        **markup,
        "inline_keyboard": [*rows[:first], [pay, *rows[first][1:]], *rows[first + 1 :]],
    }


def _check_server_rules(emu: EmulatorState, params: dict[str, Any]) -> None:
    """What Telegram's servers refuse of an invoice tdlib accepted: their error codes, which
    the Bot API passes on as they are."""
    currency = params["currency"]
    if currency not in CURRENCIES:
        raise bad_request("CURRENCY_INVALID")
    token = params.get("provider_token", "")
    if currency == STARS:
        # Stars take no provider, exactly one price and no tips (plausible code, as the
        # server names a bad Stars invoice).
        if token:
            raise bad_request("PAYMENT_PROVIDER_INVALID")
        if len(params["prices"]) != 1 or params.get("max_tip_amount"):
            raise bad_request("STARS_INVOICE_INVALID")
    elif token != emu.payment_provider_token:
        raise bad_request("PAYMENT_PROVIDER_INVALID")
    if len(params["payload"].encode("utf-8")) > MAX_PAYLOAD_BYTES:
        raise bad_request("INVOICE_PAYLOAD_INVALID")
    # Plausible codes for the documented lengths, which no public source words.
    if len(params["title"]) > MAX_TITLE:
        raise bad_request("TITLE_INVALID")
    if len(params["description"]) > MAX_DESCRIPTION:
        raise bad_request("DESCRIPTION_INVALID")


def send_invoice(emu: EmulatorState, params: dict[str, Any]) -> dict[str, Any]:
    _parse_prices(params["prices"])
    chat = emu.chat_for_bot(params["chat_id"])
    reply_to = reply_target(emu, chat, params)
    _check_amounts(params)
    _check_server_rules(emu, params)
    markup = _check_pay_button(params.get("reply_markup"))
    stars = params["currency"] == STARS
    # Stars payments ignore the order information flags, as the Bot API documents.
    needs = frozenset(
        name
        for name, flag in ORDER_FIELDS.items()
        if not stars
        and (
            params.get(flag)
            or (name == "phone_number" and params.get("send_phone_number_to_provider"))
            or (name == "email" and params.get("send_email_to_provider"))
            or (name == "shipping_address" and params.get("is_flexible"))
        )
    )
    invoice = Invoice(
        title=params["title"],
        description=params["description"],
        start_parameter=params.get("start_parameter", ""),
        currency=params["currency"],
        prices=[{"label": p["label"], "amount": p["amount"]} for p in params["prices"]],
        payload=params["payload"],
        needs=needs,
        is_flexible=bool(params.get("is_flexible")) and not stars,
        max_tip_amount=params.get("max_tip_amount", 0),
        suggested_tip_amounts=list(params.get("suggested_tip_amounts", [])),
    )
    message = emu.add_message(
        chat,
        True,
        invoice=invoice,
        reply_markup=markup,
        reply_to=reply_to,
        protected=bool(params.get("protect_content")),
    )
    return message.to_telegram()


def _expired(emu: EmulatorState, record: PreCheckoutRecord) -> bool:
    return emu.clock() - record.created_at > emu.pre_checkout_query_timeout


def _successful_payment(record: PreCheckoutRecord) -> dict[str, Any]:
    stars = record.currency == STARS
    payment: dict[str, Any] = {
        "currency": record.currency,
        "total_amount": record.total_amount,
        "invoice_payload": record.invoice_payload,
    }
    if record.order_info is not None:
        payment["order_info"] = record.order_info
    payment["telegram_payment_charge_id"] = ("stx" if stars else "") + secrets.token_urlsafe(24)
    payment["provider_payment_charge_id"] = f"{record.user_id}_{secrets.randbits(40)}"
    return payment


def answer_pre_checkout_query(emu: EmulatorState, params: dict[str, Any]) -> bool:
    ok: bool = params["ok"]
    error_message = params.get("error_message")
    if not ok and error_message is None:
        # The Bot API's own check, before it asks Telegram about the query.
        raise bad_request('parameter "error_message" is required')
    record = emu.pre_checkout_queries.get(params["pre_checkout_query_id"])
    if record is None or record.outcome is not None or _expired(emu, record):
        # Telegram's QUERY_ID_INVALID, which the Bot API words so.
        raise bad_request(QUERY_TOO_OLD)
    shown = None if ok else error_message
    emu.publish(
        "pre_checkout_answer",
        record.user_id,
        {
            "pre_checkout_query_id": record.id,
            "user_id": record.user_id,
            "message_id": record.message_id,
            "ok": ok,
            "error_message": shown,
        },
    )
    message = None
    if ok:
        # The user's app completes the payment: its service message, from the user, is the
        # bot's receipt.
        chat = emu.chat_of(emu.users[record.user_id])
        message = emu.add_message(chat, False, successful_payment=_successful_payment(record))
    # Waiters wake when the call is recorded, just after.
    record.outcome = PaymentOutcome(record.id, ok, shown, message)
    if message is not None:
        emu.updates.push("message", message.to_telegram())
    return True


def _order_info(
    user: EmuUser, invoice: Invoice, given: dict[str, Any] | None
) -> dict[str, Any] | None:
    """What the user's app sends of what the invoice asks: the name and phone number it
    knows unless given, an email and a shipping address only if given."""
    given = dict(given or {})
    unknown = set(given) - set(ORDER_FIELDS)
    if unknown:
        raise EmulatorUsageError(f"order_info has no {', '.join(sorted(unknown))}")
    if not invoice.needs:
        return None
    known = {
        "name": " ".join(filter(None, (user.first_name, user.last_name))),
        "phone_number": user.phone_number,
    }
    info: dict[str, Any] = {}
    for name in ORDER_FIELDS:
        if name not in invoice.needs:
            continue
        value = given.get(name) or known.get(name)
        if not value:
            raise EmulatorUsageError(
                f"the invoice asks for the {name.replace('_', ' ')}: give it in order_info"
            )
        info[name] = _address(value) if name == "shipping_address" else str(value)
    return info


def _address(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(value.get(key) for key in _ADDRESS_REQUIRED):
        raise EmulatorUsageError(
            f"a shipping address needs {', '.join(_ADDRESS_REQUIRED)} (and may have "
            f"{', '.join(_ADDRESS_OPTIONAL)})"
        )
    keys = ("country_code", "state", "city", "street_line1", "street_line2", "post_code")
    return {key: str(value.get(key) or "") for key in keys}


def start_payment(
    emu: EmulatorState,
    user: EmuUser,
    message_id: int,
    order_info: dict[str, Any] | None = None,
    tip_amount: int = 0,
) -> PreCheckoutRecord:
    """The user presses Pay under an invoice in their chat with the bot and confirms: the
    bot gets a pre_checkout_query. Paying an invoice again is allowed, as in Telegram."""
    if user.blocked:
        raise EmulatorUsageError(f"user {user.id} has blocked the bot; unblock() first")
    message = emu.find_message(user.id, message_id)
    if message is None:
        raise EmulatorUsageError(f"no message {message_id} in the chat of user {user.id}")
    invoice = message.invoice
    if invoice is None or not message.outgoing:
        raise EmulatorUsageError(f"message {message_id} in chat {user.id} has no invoice")
    if invoice.is_flexible:
        raise EmulatorUsageError("shipping queries (is_flexible invoices) are not emulated")
    if not 0 <= tip_amount <= invoice.max_tip_amount:
        raise EmulatorUsageError(f"a tip is 0 to {invoice.max_tip_amount} for this invoice")
    record = PreCheckoutRecord(
        str(secrets.randbits(63)),
        user.id,
        user.id,
        message_id,
        invoice.currency,
        invoice.total_amount + tip_amount,
        invoice.payload,
        _order_info(user, invoice, order_info),
        emu.clock(),
    )
    emu.pre_checkout_queries[record.id] = record
    payload = record.to_telegram(user.to_user())
    emu.updates.push("pre_checkout_query", payload)
    emu.publish("pre_checkout_query", user.id, {**payload, "message_id": message_id})
    return record


def _record_of(emu: EmulatorState, user: EmuUser, query_id: str) -> PreCheckoutRecord:
    record = emu.pre_checkout_queries.get(query_id)
    if record is None or record.user_id != user.id:
        raise EmulatorUsageError(f"user {user.id} made no payment {query_id}")
    return record


async def wait_for_outcome(
    emu: EmulatorState, user: EmuUser, query_id: str, timeout: float
) -> PaymentOutcome | None:
    """The bot's answer as the user sees it; None if it did not come within Telegram's time
    for it (on the emulator's clock, seen at once or at the next change in the emulator) or
    within timeout seconds of waiting."""
    record = _record_of(emu, user, query_id)

    def settled() -> PaymentOutcome | bool:
        return record.outcome or _expired(emu, record)

    try:
        result = await emu.wait_for(settled, timeout)
    except TimeoutError:
        return None
    return result if isinstance(result, PaymentOutcome) else None


def outcome_view(outcome: PaymentOutcome) -> dict[str, Any]:
    """An outcome as JSON for the control API."""
    return {
        "query_id": outcome.query_id,
        "ok": outcome.ok,
        "error_message": outcome.error_message,
        "message": outcome.message.view() if outcome.message is not None else None,
    }


HANDLERS: dict[str, Callable[[EmulatorState, dict[str, Any]], Any]] = {
    "sendInvoice": send_invoice,
    "answerPreCheckoutQuery": answer_pre_checkout_query,
}
