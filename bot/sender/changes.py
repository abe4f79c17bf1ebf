"""Outbox rows that keep a manager's view of their deal true when someone else changed it: the
card redrawn in place (sent again when Telegram no longer lets it be edited) and the line that
says what changed and by whom."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from aiogram.methods import EditMessageText, SendMessage
from babel.numbers import format_currency

from bot.sender.renderers import Context, Outgoing, reader_for
from presentation.deals import changes as texts
from presentation.deals.card import card_text
from presentation.deals.keyboard import card_keyboard
from presentation.render import stage_name
from services import manager_notices as told
from services import outbox
from services.db.deals import Stage
from services.errors import NotFound
from services.rules.manage import names
from services.views import user_name

KINDS = (told.REDRAW, told.CHANGED, told.HANDED_OVER)


async def render(ctx: Context) -> list[Outgoing]:
    if ctx.row.kind == told.REDRAW:
        return await _redraw(ctx)
    deal_id = ctx.row.payload["deal_id"]
    text = await (_handed_over(ctx) if ctx.row.kind == told.HANDED_OVER else _changed(ctx))
    return [Outgoing(SendMessage(chat_id=ctx.row.chat_id, text=text), deal_id)]


async def _redraw(ctx: Context) -> list[Outgoing]:
    """The deal's newest card in the chat, as the deal is now; none there, nothing to do."""
    deal_id, chat_id = ctx.row.payload["deal_id"], ctx.row.chat_id
    card = ctx.cards.get(deal_id)
    shown = await outbox.last_card(ctx.session, chat_id, deal_id)
    if card is None or shown is None:
        return []
    reader = reader_for(ctx)
    text, markup = card_text(card, reader), card_keyboard(card, reader)
    edit = EditMessageText(chat_id=chat_id, message_id=shown, text=text, reply_markup=markup)
    return [Outgoing(SendMessage(chat_id=chat_id, text=text, reply_markup=markup), deal_id, edit)]


async def _who(ctx: Context) -> str | None:
    payload = ctx.row.payload
    if "by" in payload:
        return escape(await user_name(ctx.session, payload["by"]))
    if "rule_id" in payload:
        rule = (await names(ctx.session, {payload["rule_id"]})).get(payload["rule_id"])
        if rule is None:
            raise NotFound()
        return texts.by_rule(rule)
    return None


async def _handed_over(ctx: Context) -> str:
    payload = ctx.row.payload
    name = await user_name(ctx.session, payload["user_id"])
    return texts.handed_over_text(await _who(ctx), payload["deal_id"], name)


async def _changed(ctx: Context) -> str:
    payload = ctx.row.payload
    who = await _who(ctx)
    if who is None:
        raise NotFound()
    number, old, new = payload["deal_id"], payload["from"], payload["to"]
    if payload["change"] == told.AMOUNT:
        return texts.amount_text(who, number, _money(old, ctx), _money(new, ctx))
    return texts.moved_text(who, number, await _stage(old, ctx), await _stage(new, ctx))


def _money(stored: str | None, ctx: Context) -> str | None:
    if stored is None:
        return None
    return str(format_currency(Decimal(stored), ctx.currency, locale=ctx.locale))


async def _stage(stored: str, ctx: Context) -> str:
    stage = await ctx.session.get(Stage, int(stored))
    if stage is None:
        raise NotFound()
    return stage_name(stage.names, ctx.locale)
