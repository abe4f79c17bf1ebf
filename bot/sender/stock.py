"""The outbox's notice of stock held beyond what is available, to the owners and the request's
manager, with the figures as they were when it was held."""

from __future__ import annotations

from decimal import Decimal

from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy import select

from bot.sender.renderers import Context, Outgoing
from presentation.stock import notice_text
from presentation.tasks import open_deal_button
from services.db.catalog import Product
from services.shortages import NOTICE, Shortage
from services.views import user_name

KIND = NOTICE


async def stock_short(ctx: Context) -> list[Outgoing]:
    payload = ctx.row.payload
    deal_id = int(payload["deal_id"])
    figures = {int(p): (Decimal(needed), Decimal(free)) for p, needed, free in payload["short"]}
    rows = await ctx.session.execute(
        select(Product.id, Product.names, Product.unit)
        .where(Product.id.in_(list(figures)))
        .order_by(Product.id)
    )
    short = [Shortage(p, dict(names), unit, *figures[p]) for p, names, unit in rows.all()]
    by = payload.get("user_id")
    who = None if by is None else await user_name(ctx.session, int(by))
    markup = InlineKeyboardMarkup(inline_keyboard=[[open_deal_button(deal_id)]])
    text = notice_text(deal_id, who, short, ctx.locale)
    return [
        Outgoing(SendMessage(chat_id=ctx.row.chat_id, text=text, reply_markup=markup), deal_id)
    ]
