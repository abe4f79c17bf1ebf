"""A deal's documents screen (made, sent, accepted; make a quote or an invoice, get or send
one again) and the buttons under a document in the customer's chat."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from babel.dates import format_date

from presentation.deals.callbacks import CardAction, CardCb
from presentation.deals.card import Reader, balance_text, money
from presentation.documents.callbacks import AnswerAction, AnswerCb, DocAction, DocCb
from presentation.documents.layout import title
from services.db.documents import Delivery, Document
from services.paid import Balance

SHOWN = 6


def document_line(document: Document, reader: Reader) -> str:
    made = format_date(document.created_at.astimezone(reader.zone), "short", locale=reader.locale)
    parts = [f"<b>{escape(title(document))}</b>", made, money(Decimal(document.total), reader)]
    if document.accepted_at is not None:
        accepted = format_date(
            document.accepted_at.astimezone(reader.zone), "short", locale=reader.locale
        )
        parts.append(_("✅ accepted {date}").format(date=accepted))
    elif document.sent_at is not None:
        parts.append(_("📤 sent"))
    return " · ".join(parts)


def documents_text(
    deal_id: int,
    shown: Sequence[Document],
    left: Balance,
    delivery: Delivery | None,
    reader: Reader,
) -> str:
    head = _("🗂 <b>Documents of request #{number}</b>").format(number=deal_id)
    paid = balance_text(left, reader.currency, reader.locale)
    if delivery is not None and delivery.delivery_on is not None:
        paid += "\n" + delivery_line(delivery.delivery_on, delivery.tracking, reader.locale)
    if not shown:
        none = _("None yet. A quote or an invoice lists the request's items.")
        return "\n\n".join([head, none, paid])
    return "\n".join([head, "", *(document_line(d, reader) for d in shown), "", paid])


def _button(text: str, action: DocAction, ref: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=DocCb(action=action, ref=ref).pack())


def documents_keyboard(
    deal_id: int, version: int, shown: Sequence[Document]
) -> InlineKeyboardMarkup:
    rows = [
        [
            _button(_("📄 Make a quote"), DocAction.QUOTE, deal_id),
            _button(_("🧾 Make an invoice"), DocAction.INVOICE, deal_id),
        ],
        [_button(_("📝 Make a contract"), DocAction.CONTRACT, deal_id)],
        [
            _button(_("💳 Payment received"), DocAction.PAID, deal_id),
            _button(_("🚚 Delivery"), DocAction.DELIVERY, deal_id),
        ],
    ]
    for document in shown[:SHOWN]:
        rows.append(
            [
                _button(f"⬇️ {document.number}", DocAction.FILE, document.id),
                _button(
                    _("📤 Send {number}").format(number=document.number),
                    DocAction.SEND,
                    document.id,
                ),
            ]
        )
    back = CardCb(action=CardAction.CARD, deal_id=deal_id, version=version, arg=0)
    rows.append([InlineKeyboardButton(text=_("« Back to the card"), callback_data=back.pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def answer_keyboard(document_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("✅ Accept"),
                    callback_data=AnswerCb(
                        action=AnswerAction.ACCEPT, document_id=document_id
                    ).pack(),
                ),
                InlineKeyboardButton(
                    text=_("❓ Ask a question"),
                    callback_data=AnswerCb(
                        action=AnswerAction.ASK, document_id=document_id
                    ).pack(),
                ),
            ]
        ]
    )


def sent_caption(document: Document) -> str:
    return _("{document} for your request #{number}.").format(
        document=escape(title(document)), number=document.deal_id
    )


def staff_caption(document: Document, new: bool) -> str:
    if new:
        return _("{document} is made. 📤 Send sends it to the customer.").format(
            document=escape(title(document))
        )
    return _("Nothing changed since {document}: here it is again.").format(
        document=escape(title(document))
    )


def paid_prompt(deal_id: int, left: Balance, reader: Reader) -> str:
    asked = _("How much did the customer pay for request #{number}? Send the amount, or /cancel.")
    lines = [asked.format(number=deal_id)]
    if left.owed:
        lines.append(_("Owed: {amount}").format(amount=money(left.owed, reader)))
    return "\n".join(lines)


def paid_text(deal_id: int, amount: Decimal, left: Balance, reader: Reader) -> str:
    done = _("💳 {amount} recorded for request #{number}.").format(
        amount=money(amount, reader), number=deal_id
    )
    return done + "\n" + balance_text(left, reader.currency, reader.locale)


def delivery_line(on: date, tracking: str | None, locale: str) -> str:
    day = format_date(on, "long", locale=locale)
    if tracking:
        return _("🚚 Delivery: {date} · tracking number {tracking}").format(
            date=day, tracking=escape(tracking)
        )
    return _("🚚 Delivery: {date}").format(date=day)


def delivery_prompt(deal_id: int) -> str:
    return _(
        "When is the order of request #{number} delivered? Send the date like 24.12.2026 and, "
        "on a second line, the tracking number if there is one. /cancel stops."
    ).format(number=deal_id)


def delivery_set(deal_id: int, delivery: Delivery, told: bool, locale: str) -> str:
    assert delivery.delivery_on is not None
    line = delivery_line(delivery.delivery_on, delivery.tracking, locale)
    if told:
        said = _("Request #{number}: the customer is told.").format(number=deal_id)
    else:
        said = _(
            "Request #{number}: the customer has no Telegram chat with the bot; tell them "
            "yourself."
        ).format(number=deal_id)
    return f"{line}\n{said}"
