"""The owner's 🔗 Merge on a deal card that may be another customer's request: a confirmation in
place of the card's buttons, then the two customer records become one, and a message below
says so with ↩️ Undo, which splits them again within 24 hours; /merges lists those that can
still be undone."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.settings import Settings
from handlers.cards import CardPress, show_card, unless_stale
from handlers.presses import Press, on_press
from handlers.readers import reader_of
from presentation.deals.callbacks import CardAction, CardCb
from presentation.deals.card import button, card_text
from presentation.deals.matches import customer_label
from presentation.errors import error_text
from presentation.merges import (
    UnmergeCb,
    merged_text,
    undo_keyboard,
    undoable_keyboard,
    undoable_text,
    undone_text,
)
from services import merge, unmerge
from services.access import Actor
from services.clock import Clock
from services.db.session import AsyncSession
from services.merge import Merging, Named

T = TypeVar("T")


@on_press
async def ask(press: CardPress) -> None:
    cb = press.data
    asked = merge.preview(press.session, press.actor, cb.deal_id, cb.version, cb.arg)
    merging = await _unless_refused(press, asked)
    if merging is not None:
        await press.show(_question(merging, press), _confirmation(merging, cb.arg))


@on_press
async def confirm(press: CardPress) -> None:
    cb = press.data
    done = merge.merge(press.session, press.actor, cb.deal_id, cb.version, cb.arg, press.now)
    merged = await _unless_refused(press, done)
    if merged is not None:
        press.answer.text = _("Merged: it is one customer now.")
        await show_card(press, merged.card)
        if press.message is not None:
            told = merged_text(merged, press.reader)
            await press.message.answer(told, reply_markup=undo_keyboard(merged.merge_id))


async def show_undoable(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, settings: Settings
) -> None:
    now = clock.now()
    merges = await unmerge.undoable(session, actor, now)
    reader = reader_of(settings, actor, now)
    await message.answer(undoable_text(merges, reader), reply_markup=undoable_keyboard(merges))


@on_press
async def undo(press: Press[UnmergeCb]) -> None:
    undone = await unmerge.undo(press.session, press.actor, press.data.merge_id, press.now)
    press.answer.text = _("Undone: two customers again.")
    await press.show(undone_text(undone))


async def _unless_refused(press: CardPress, step: Awaitable[T]) -> T | None:
    """Two Telegram accounts stay two customers: the press is told so and nothing changes."""
    try:
        return await unless_stale(press, step)
    except merge.BothInTelegram as refused:
        press.answer.text = error_text(refused)
        press.answer.show_alert = True
        return None


def _question(merging: Merging, press: CardPress) -> str:
    asked = _(
        "Merge {a} into {b}? Their requests, messages and history become one customer's."
    ).format(a=_who(merging.customer), b=_who(merging.into))
    warned = _(
        "A number given with a request proves nothing about who gave it: merge only if you "
        "know they are the same person."
    )
    return f"{card_text(merging.card, press.reader)}\n\n{asked}\n{warned}"


def _who(named: Named) -> str:
    return f"<b>{customer_label(named.name, named.phone)}</b>"


def _confirmation(merging: Merging, other_id: int) -> InlineKeyboardMarkup:
    card = merging.card
    merge_button = button(card, _("✅ Merge"), CardAction.CONFIRM_MERGE, other_id)
    cancel = button(card, _("Cancel"), CardAction.CARD)
    return InlineKeyboardMarkup(inline_keyboard=[[merge_button, cancel]])


def router() -> Router:
    router = Router(name="merge")
    router.callback_query.register(ask, CardCb.filter(F.action == CardAction.MERGE))
    router.callback_query.register(confirm, CardCb.filter(F.action == CardAction.CONFIRM_MERGE))
    router.callback_query.register(undo, UnmergeCb.filter())
    router.message.register(show_undoable, Command("merges"))
    return router
