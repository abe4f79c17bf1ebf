"""A document to the customer (by Telegram's file id once it went up, else its bytes), with
✅ Accept and ❓ Ask a question; the manager told that the customer accepted one; a payment
thanked for to the customer and told to the manager."""

from __future__ import annotations

from html import escape

from aiogram.methods import SendDocument, SendInvoice, SendMessage, TelegramMethod
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardMarkup,
    InputFile,
    LabeledPrice,
    Message,
)
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from presentation.deals.card import balance_text
from presentation.documents.layout import filename, title
from presentation.documents.screen import answer_keyboard, sent_caption
from presentation.reports.format import money
from presentation.tasks import open_deal_button
from services import paid, payments_telegram
from services.db.deals import Deal
from services.db.documents import Document, Payment
from services.db.outbox import Outbox
from services.errors import NotFound

KINDS = ("document", "document_accepted")
PAYMENT_KINDS = ("payment_thanks", "payment_received")
# Telegram's limit on an invoice's title.
INVOICE_TITLE = 32


async def render(
    session: AsyncSession, row: Outbox, currency: str
) -> list[TelegramMethod[Message]]:
    document = await session.get(Document, row.payload["document_id"])
    if document is None:
        raise NotFound()
    if row.kind == "document_accepted":
        text = _("✅ The customer accepted {document} of request #{number}.").format(
            document=escape(title(document)), number=document.deal_id
        )
        markup = InlineKeyboardMarkup(inline_keyboard=[[open_deal_button(document.deal_id)]])
        return [SendMessage(chat_id=row.chat_id, text=text, reply_markup=markup)]
    file: str | InputFile
    if document.file_id is not None:
        file = document.file_id
    elif document.data is not None:
        file = BufferedInputFile(document.data, filename=filename(document))
    else:
        raise NotFound()
    sent: list[TelegramMethod[Message]] = [
        SendDocument(
            chat_id=row.chat_id,
            document=file,
            caption=sent_caption(document),
            reply_markup=answer_keyboard(document.id),
        )
    ]
    if document.kind == "invoice":
        sent += await pay_in_telegram(session, row.chat_id, document, currency)
    return sent


async def pay_in_telegram(
    session: AsyncSession, chat_id: int, document: Document, currency: str
) -> list[TelegramMethod[Message]]:
    """With the owner's payment provider token, what is owed can be paid right here."""
    token = await payments_telegram.provider_token(session)
    deal = await session.get_one(Deal, document.deal_id)
    owed = (await paid.balance(session, deal)).owed
    if token is None or not owed:
        return []
    name = title(document)[:INVOICE_TITLE]
    return [
        SendInvoice(
            chat_id=chat_id,
            title=name,
            description=_("Request #{number}").format(number=deal.id),
            payload=payments_telegram.invoice_payload(document.id),
            provider_token=token,
            currency=currency,
            prices=[
                LabeledPrice(label=name, amount=payments_telegram.minor_units(owed, currency))
            ],
        )
    ]


async def render_payment(
    session: AsyncSession, row: Outbox, locale: str, currency: str
) -> list[TelegramMethod[Message]]:
    payment = await session.get(Payment, row.payload["payment_id"])
    deal = await session.get(Deal, row.payload["deal_id"])
    if payment is None or deal is None:
        raise NotFound()
    left = await paid.balance(session, deal)
    amount = money(payment.amount, currency, locale)
    if row.kind == "payment_thanks":
        text = _("💳 We received {amount} for your request #{number}. Thank you!").format(
            amount=amount, number=deal.id
        )
        if left.owed:
            text += "\n" + _("Still to pay: {amount}.").format(
                amount=money(left.owed, currency, locale)
            )
        return [SendMessage(chat_id=row.chat_id, text=text)]
    text = _("💳 {amount} received for request #{number}.").format(amount=amount, number=deal.id)
    text += "\n" + balance_text(left, currency, locale)
    markup = InlineKeyboardMarkup(inline_keyboard=[[open_deal_button(deal.id)]])
    return [SendMessage(chat_id=row.chat_id, text=text, reply_markup=markup)]
