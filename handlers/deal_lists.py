"""/deals (paged, filtered by stage and idleness), /find, and opening a card from a row."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.settings import Settings
from handlers.readers import reader_of
from presentation.deals.callbacks import DealListCb, DealOpenCb, ListAction
from presentation.deals.card import card_text
from presentation.deals.keyboard import card_keyboard
from presentation.deals.lists import (
    found_keyboard,
    found_text,
    list_keyboard,
    list_text,
    stage_filter,
)
from presentation.edits import edit_or_send
from services import deal_search, pipeline
from services.access import Actor
from services.clock import Clock
from services.db.session import AsyncSession


async def deals_command(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, settings: Settings
) -> None:
    deals = await deal_search.open_deals(session, actor, 0, 0, False, clock.now())
    reader = reader_of(settings, actor, clock.now())
    await message.answer(list_text(deals, reader), reply_markup=list_keyboard(deals, reader))


async def deals_page(
    query: CallbackQuery,
    callback_data: DealListCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
) -> None:
    deals = await deal_search.open_deals(
        session,
        actor,
        callback_data.page,
        callback_data.stage_id,
        callback_data.idle,
        clock.now(),
    )
    reader = reader_of(settings, actor, clock.now())
    if isinstance(query.message, Message):
        await edit_or_send(query.message, list_text(deals, reader), list_keyboard(deals, reader))


async def stage_choice(
    query: CallbackQuery,
    callback_data: DealListCb,
    session: AsyncSession,
    actor: Actor,
) -> None:
    """Only the buttons change; the list stays readable above them."""
    stages = await deal_search.filter_stages(session, actor)
    markup = stage_filter(callback_data.stage_id, callback_data.idle, stages, actor.locale)
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=markup)


async def find_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
) -> None:
    query = (command.args or "").strip()
    if not query:
        await message.answer(
            _(
                "Send /find with a request number or a part of a name or phone number, "
                "like /find 12 or /find Leyla."
            )
        )
        return
    found = await deal_search.find(session, actor, query)
    reader = reader_of(settings, actor, clock.now())
    await message.answer(found_text(found, query, reader), reply_markup=found_keyboard(found))


async def open_card(
    query: CallbackQuery,
    callback_data: DealOpenCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
) -> None:
    card = await pipeline.card(session, actor, callback_data.deal_id)
    if not isinstance(query.message, Message):
        return
    reader = reader_of(settings, actor, clock.now())
    sent = await query.message.answer(
        card_text(card, reader), reply_markup=card_keyboard(card, reader)
    )
    await deal_search.remember_card(session, sent.chat.id, sent.message_id, card.deal_id)


def router() -> Router:
    router = Router(name="deal_lists")
    router.message.register(deals_command, Command("deals"))
    router.message.register(find_command, Command("find"))
    router.callback_query.register(deals_page, DealListCb.filter(F.action == ListAction.PAGE))
    router.callback_query.register(stage_choice, DealListCb.filter(F.action == ListAction.STAGES))
    router.callback_query.register(open_card, DealOpenCb.filter())
    return router
