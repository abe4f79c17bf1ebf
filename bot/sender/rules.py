"""Outbox rows the owner's rules queue: their messages, and the notice that a rule stopped."""

from __future__ import annotations

from aiogram.methods import SendMessage

from bot.sender.renderers import Context, Outgoing
from presentation.rules.messages import failed_text, filled, fills_in, staff_text
from services.access import CUSTOMER
from services.errors import NotFound
from services.rules.manage import names
from services.views import deal_card


async def rule_message(ctx: Context) -> list[Outgoing]:
    payload = ctx.row.payload
    deal_id = payload["deal_id"]
    # The deal is read only for a text with placeholders to fill.
    wanted = fills_in(payload["texts"], ctx.locale)
    card = await deal_card(ctx.session, deal_id) if wanted else None
    body = filled(payload["texts"], card, ctx.locale, ctx.currency)
    recipient = ctx.recipient
    if recipient is None or recipient.role == CUSTOMER:
        return [Outgoing(SendMessage(chat_id=ctx.row.chat_id, text=body))]
    text = staff_text(body, deal_id)
    return [Outgoing(SendMessage(chat_id=ctx.row.chat_id, text=text), deal_id)]


async def rule_failed(ctx: Context) -> list[Outgoing]:
    rule_id = ctx.row.payload["rule_id"]
    name = (await names(ctx.session, {rule_id})).get(rule_id)
    if name is None:
        raise NotFound()
    text = failed_text(name, ctx.row.payload["problem"])
    return [Outgoing(SendMessage(chat_id=ctx.row.chat_id, text=text))]
