"""Deal card buttons: stage moves (one beyond the stock asked about first), lost, hand-over,
reopen, history, ⋯ More; the card edits in place."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from handlers.cards import CardPress, apply, show_card, unless_stale
from handlers.presses import on_press
from presentation.deals.callbacks import CardAction, CardCb
from presentation.deals.card import card_text
from presentation.deals.keyboard import more_card_keyboard
from presentation.deals.pickers import (
    handover_picker,
    history_keyboard,
    history_text,
    lost_picker,
    stage_picker,
)
from presentation.render import stage_name
from presentation.stock import beyond_keyboard, beyond_text
from services import history, pipeline
from services.pipeline import LOST_REASONS, OTHER
from services.shortages import BeyondStock
from services.views import DealCard

OTHER_INDEX = LOST_REASONS.index(OTHER)


@on_press
async def next_stage(press: CardPress) -> None:
    """Next, a stage picked, or Reserve anyway once a move beyond the stock was asked about."""
    cb, actor = press.data, press.actor
    stage_id = None if cb.action == CardAction.NEXT else cb.arg
    confirmed = cb.action == CardAction.RESERVE
    move = pipeline.move(
        press.session, actor, cb.deal_id, cb.version, stage_id, press.now, confirmed
    )
    try:
        await apply(
            press,
            move,
            lambda card: _("Moved to {stage}.").format(
                stage=stage_name(card.stage_names, actor.locale)
            ),
        )
    except BeyondStock as beyond:
        await press.show(beyond_text(beyond, actor.locale), beyond_keyboard(beyond))


@on_press
async def lose(press: CardPress) -> None:
    cb = press.data
    reason = LOST_REASONS[cb.arg] if 0 <= cb.arg < len(LOST_REASONS) else ""
    await apply(
        press,
        pipeline.lose(press.session, press.actor, cb.deal_id, cb.version, reason, press.now),
        lambda card: _("Request #{number} is closed as lost.").format(number=card.deal_id),
    )


@on_press
async def assign(press: CardPress) -> None:
    cb = press.data
    await apply(
        press,
        pipeline.reassign(press.session, press.actor, cb.deal_id, cb.version, cb.arg, press.now),
        lambda card: _("Handed over to {name}.").format(name=card.manager_name),
    )


@on_press
async def reopen(press: CardPress) -> None:
    cb, actor = press.data, press.actor
    await apply(
        press,
        pipeline.reopen(press.session, actor, cb.deal_id, cb.version, press.now),
        lambda card: _("Reopened at {stage}.").format(
            stage=stage_name(card.stage_names, actor.locale)
        ),
    )


@on_press
async def pick(press: CardPress) -> None:
    """Stage…, Lost and Reassign turn the card's buttons into a choice."""
    chosen = await unless_stale(press, _choice(press))
    if chosen is not None:
        card, markup = chosen
        await press.show(card_text(card, press.reader), markup)


async def _choice(press: CardPress) -> tuple[DealCard, InlineKeyboardMarkup]:
    session, actor, cb = press.session, press.actor, press.data
    if cb.action == CardAction.STAGES:
        card, stages = await pipeline.stage_choices(session, actor, cb.deal_id, cb.version)
        return card, stage_picker(card, stages, press.reader)
    if cb.action == CardAction.LOST:
        card = await pipeline.checked(session, actor, cb.deal_id, cb.version)
        return card, lost_picker(card)
    card, people = await pipeline.handover_choices(session, actor, cb.deal_id, cb.version)
    if not people:
        press.answer.text = _("There is nobody to hand it over to.")
        press.answer.show_alert = True
    return card, handover_picker(card, people)


@on_press
async def back_to_card(press: CardPress) -> None:
    await show_card(press, await pipeline.card(press.session, press.actor, press.data.deal_id))


@on_press
async def more(press: CardPress) -> None:
    """⋯ More: the card's other buttons, with ‹ Back to the few (the card itself)."""
    cb, reader = press.data, press.reader
    shown = pipeline.checked(press.session, press.actor, cb.deal_id, cb.version, open_only=False)
    card = await unless_stale(press, shown)
    if card is not None:
        await press.show(card_text(card, reader), more_card_keyboard(card, reader))


@on_press
async def show_history(press: CardPress) -> None:
    cb = press.data
    page = await history.deal_history(press.session, press.actor, cb.deal_id, cb.arg)
    await press.show(history_text(page, press.reader), history_keyboard(page))


def router() -> Router:
    router = Router(name="deals")
    router.callback_query.register(
        next_stage,
        CardCb.filter(F.action.in_({CardAction.NEXT, CardAction.STAGE, CardAction.RESERVE})),
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
    router.callback_query.register(more, CardCb.filter(F.action == CardAction.MORE))
    router.callback_query.register(show_history, CardCb.filter(F.action == CardAction.HISTORY))
    return router
