"""Deal card buttons: stage moves, lost, hand-over, reopen, history; the card edits in place."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.deal_callbacks import CardAction, CardCb
from bot.deal_card import Reader, card_keyboard, card_text, reader_of
from bot.deal_pickers import (
    handover_picker,
    history_keyboard,
    history_text,
    lost_picker,
    stage_picker,
)
from bot.edits import edit_or_send
from bot.render import stage_name
from bot.settings import Settings
from services import history, pipeline
from services.access import Actor
from services.clock import Clock
from services.db.session import AsyncSession
from services.pipeline import LOST_REASONS, OTHER, StaleCard
from services.views import DealCard

OTHER_INDEX = LOST_REASONS.index(OTHER)


def stale_text() -> str:
    return _(
        "This card was out of date, so nothing was changed. Here is the request as it is now."
    )


async def show(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    if isinstance(query.message, Message):
        await edit_or_send(query.message, text, markup)


async def show_card(query: CallbackQuery, card: DealCard, reader: Reader) -> None:
    await show(query, card_text(card, reader), card_keyboard(card, reader))


async def apply(
    query: CallbackQuery,
    answer: CallbackAnswer,
    reader: Reader,
    change: Awaitable[DealCard],
    said: Callable[[DealCard], str],
) -> None:
    """Run a change; on an out-of-date card show the deal as it is and say nothing was done."""
    try:
        card = await change
    except StaleCard as stale:
        answer.text = stale_text()
        await show_card(query, stale.card, reader)
        return
    answer.text = said(card)
    await show_card(query, card, reader)


async def next_stage(
    query: CallbackQuery,
    callback_data: CardCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    callback_answer: CallbackAnswer,
) -> None:
    stage_id = callback_data.arg if callback_data.action == CardAction.STAGE else None
    change = pipeline.move(
        session, actor, callback_data.deal_id, callback_data.version, stage_id, clock.now()
    )
    await apply(
        query,
        callback_answer,
        reader_of(settings, actor, clock.now()),
        change,
        lambda card: _("Moved to {stage}.").format(
            stage=stage_name(card.stage_names, actor.locale)
        ),
    )


async def lose(
    query: CallbackQuery,
    callback_data: CardCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    callback_answer: CallbackAnswer,
) -> None:
    index = callback_data.arg
    reason = LOST_REASONS[index] if 0 <= index < len(LOST_REASONS) else ""
    change = pipeline.lose(
        session, actor, callback_data.deal_id, callback_data.version, reason, clock.now()
    )
    await apply(
        query,
        callback_answer,
        reader_of(settings, actor, clock.now()),
        change,
        lambda card: _("Request #{number} is closed as lost.").format(number=card.deal_id),
    )


async def assign(
    query: CallbackQuery,
    callback_data: CardCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    callback_answer: CallbackAnswer,
) -> None:
    change = pipeline.reassign(
        session,
        actor,
        callback_data.deal_id,
        callback_data.version,
        callback_data.arg,
        clock.now(),
    )
    await apply(
        query,
        callback_answer,
        reader_of(settings, actor, clock.now()),
        change,
        lambda card: _("Handed over to {name}.").format(name=card.manager_name),
    )


async def reopen(
    query: CallbackQuery,
    callback_data: CardCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    callback_answer: CallbackAnswer,
) -> None:
    change = pipeline.reopen(
        session, actor, callback_data.deal_id, callback_data.version, clock.now()
    )
    await apply(
        query,
        callback_answer,
        reader_of(settings, actor, clock.now()),
        change,
        lambda card: _("Reopened at {stage}.").format(
            stage=stage_name(card.stage_names, actor.locale)
        ),
    )


async def pick(
    query: CallbackQuery,
    callback_data: CardCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    callback_answer: CallbackAnswer,
) -> None:
    """Stage…, Lost and Reassign turn the card's buttons into a choice."""
    reader = reader_of(settings, actor, clock.now())
    deal_id, seen = callback_data.deal_id, callback_data.version
    markup: InlineKeyboardMarkup | None
    try:
        if callback_data.action == CardAction.STAGES:
            card, stages = await pipeline.stage_choices(session, actor, deal_id, seen)
            markup = stage_picker(card, stages, reader)
        elif callback_data.action == CardAction.LOST:
            card = await pipeline.checked(session, actor, deal_id, seen)
            markup = lost_picker(card)
        else:
            card, people = await pipeline.handover_choices(session, actor, deal_id, seen)
            if not people:
                callback_answer.text = _("There is nobody to hand it over to.")
                callback_answer.show_alert = True
            markup = handover_picker(card, people)
    except StaleCard as stale:
        callback_answer.text = stale_text()
        await show_card(query, stale.card, reader)
        return
    await show(query, card_text(card, reader), markup)


async def back_to_card(
    query: CallbackQuery,
    callback_data: CardCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
) -> None:
    card = await pipeline.card(session, actor, callback_data.deal_id)
    await show_card(query, card, reader_of(settings, actor, clock.now()))


async def show_history(
    query: CallbackQuery,
    callback_data: CardCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
) -> None:
    page = await history.deal_history(session, actor, callback_data.deal_id, callback_data.arg)
    reader = reader_of(settings, actor, clock.now())
    await show(query, history_text(page, reader), history_keyboard(page))


def router() -> Router:
    router = Router(name="deals")
    router.callback_query.register(
        next_stage, CardCb.filter(F.action.in_({CardAction.NEXT, CardAction.STAGE}))
    )
    router.callback_query.register(
        lose, CardCb.filter((F.action == CardAction.LOSE) & (F.arg != OTHER_INDEX))
    )
    router.callback_query.register(assign, CardCb.filter(F.action == CardAction.ASSIGN))
    router.callback_query.register(reopen, CardCb.filter(F.action == CardAction.REOPEN))
    router.callback_query.register(
        pick,
        CardCb.filter(F.action.in_({CardAction.STAGES, CardAction.LOST, CardAction.HANDOVER})),
    )
    router.callback_query.register(back_to_card, CardCb.filter(F.action == CardAction.CARD))
    router.callback_query.register(show_history, CardCb.filter(F.action == CardAction.HISTORY))
    return router
