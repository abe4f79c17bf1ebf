"""Feedback through the outbox: the ask to the customer with ⭐ 1 … 5, and to the owners a low
rating and then its comment, with the request one press away."""

from __future__ import annotations

from aiogram.methods import SendMessage, TelegramMethod
from aiogram.types import InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from presentation.feedback import (
    ask_keyboard,
    ask_text,
    low_alert_text,
    low_comment_text,
)
from presentation.tasks import open_deal_button
from services.db.customers import Customer
from services.db.deals import Deal
from services.db.feedback import Feedback
from services.db.outbox import Outbox
from services.errors import NotFound
from services.feedback import LOW_ALERT, LOW_COMMENT
from services.feedback_ask import ASK
from services.views import user_name

KINDS = (ASK, LOW_ALERT, LOW_COMMENT)


async def render(session: AsyncSession, row: Outbox) -> list[TelegramMethod[Message]]:
    deal_id = row.payload["deal_id"]
    if row.kind == ASK:
        return [
            SendMessage(
                chat_id=row.chat_id, text=ask_text(deal_id), reply_markup=ask_keyboard(deal_id)
            )
        ]
    given = await session.get(Feedback, deal_id)
    if given is None or given.rating is None:
        raise NotFound()
    if row.kind == LOW_COMMENT:
        text = low_comment_text(deal_id, given.rating, given.comment or "")
    else:
        deal = await session.get_one(Deal, deal_id)
        customer = await session.get_one(Customer, deal.customer_id)
        manager = await user_name(session, given.manager_id) if given.manager_id else None
        text = low_alert_text(deal_id, given.rating, customer.name, manager)
    markup = InlineKeyboardMarkup(inline_keyboard=[[open_deal_button(deal_id)]])
    return [SendMessage(chat_id=row.chat_id, text=text, reply_markup=markup)]
