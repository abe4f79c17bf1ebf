"""What a customer needs with their order's status: the delivery date and tracking number a
manager typed, what is left to pay (with a Pay button when payments in Telegram are on), and
the latest document sent to them, one press away."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiogram.methods import SendMessage, TelegramMethod
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.sender.documents import pay_in_telegram
from presentation.documents.callbacks import AnswerAction, AnswerCb
from presentation.documents.layout import title
from presentation.documents.screen import delivery_line
from presentation.reports.format import money
from services import deliveries, paid
from services.db.deals import Deal, Stage
from services.db.documents import Document
from services.db.outbox import Outbox
from services.errors import NotFound
from services.stages import LOST


@dataclass
class Status:
    lines: list[str] = field(default_factory=list)
    markup: InlineKeyboardMarkup | None = None
    # Sent after the status: an invoice's Pay button.
    then: list[TelegramMethod[Message]] = field(default_factory=list)


async def status(
    session: AsyncSession, deal: Deal, chat_id: int, locale: str, currency: str
) -> Status:
    found = Status()
    delivery = await deliveries.of_deal(session, deal.id)
    if delivery is not None and delivery.delivery_on is not None:
        found.lines.append(delivery_line(delivery.delivery_on, delivery.tracking, locale))
    sent = list(
        await session.scalars(
            select(Document)
            .where(Document.deal_id == deal.id, Document.sent_at.is_not(None))
            .order_by(Document.id.desc())
        )
    )
    # A lost request is owed nothing.
    lost = (await session.get_one(Stage, deal.stage_id)).kind == LOST
    invoice = None if lost else next((d for d in sent if d.kind == "invoice"), None)
    left = await paid.balance(session, deal)
    if left.owed and not lost and (invoice is not None or left.paid):
        found.lines.append(
            _("💳 To pay: {amount}").format(amount=money(left.owed, currency, locale))
        )
    if sent:
        latest = sent[0]
        data = AnswerCb(action=AnswerAction.FILE, document_id=latest.id)
        button = InlineKeyboardButton(text=f"📄 {title(latest)}", callback_data=data.pack())
        found.markup = InlineKeyboardMarkup(inline_keyboard=[[button]])
    if invoice is not None:
        found.then = await pay_in_telegram(session, chat_id, invoice, currency)
    return found


async def render_delivery(
    session: AsyncSession, row: Outbox, locale: str, currency: str
) -> list[TelegramMethod[Message]]:
    deal = await session.get(Deal, row.payload["deal_id"])
    if deal is None:
        raise NotFound()
    found = await status(session, deal, row.chat_id, locale, currency)
    head = _("Your request #{number}:").format(number=deal.id)
    text = "\n".join([head, *found.lines])
    return [SendMessage(chat_id=row.chat_id, text=text, reply_markup=found.markup)]
