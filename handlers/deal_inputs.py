"""Card buttons that need words: Amount, Note and Lost → other. The typed answer changes the
deal and the card above is edited in place; /cancel leaves the step."""

from __future__ import annotations

from decimal import Decimal

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from babel.numbers import format_decimal

from bot.deal_callbacks import CardAction, CardCb
from bot.deal_card import Reader, card_keyboard, card_text, money, reader_of
from bot.edits import edit_or_send_at
from bot.settings import Settings
from handlers.deals import OTHER_INDEX, show_card, stale_text
from handlers.filters import Has, NotCommand
from services import pipeline
from services.access import Actor
from services.clock import Clock
from services.db.session import AsyncSession
from services.errors import DomainError
from services.pipeline import OTHER, StaleCard
from services.views import DealCard


class DealInput(StatesGroup):
    amount = State()
    note = State()
    lost_other = State()


RETRYABLE = frozenset({"amount", "negative_amount", "empty_text"})
_STATES = {
    CardAction.AMOUNT: DealInput.amount,
    CardAction.NOTE: DealInput.note,
    CardAction.LOSE: DealInput.lost_other,
}


def _prompt(action: CardAction, deal_id: int, locale: str) -> str:
    if action == CardAction.AMOUNT:
        example = format_decimal(Decimal("1500.50"), format="#,##0.00", locale=locale)
        return _("Send the amount for request #{number}, like {example}. /cancel to stop.").format(
            number=deal_id, example=example
        )
    if action == CardAction.NOTE:
        return _(
            "Write a note for request #{number}; only the team sees it. /cancel to stop."
        ).format(number=deal_id)
    return _("Why was request #{number} lost? Write it in a few words. /cancel to stop.").format(
        number=deal_id
    )


async def ask(
    query: CallbackQuery,
    callback_data: CardCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
    callback_answer: CallbackAnswer,
) -> None:
    """Check the card is current and the deal is the actor's, then wait for the words."""
    action = callback_data.action
    try:
        await pipeline.checked(
            session,
            actor,
            callback_data.deal_id,
            callback_data.version,
            open_only=action != CardAction.NOTE,
        )
    except StaleCard as stale:
        callback_answer.text = stale_text()
        await show_card(query, stale.card, reader_of(settings, actor, clock.now()))
        return
    if not isinstance(query.message, Message):
        return
    await state.set_state(_STATES[action])
    await state.update_data(
        deal_id=callback_data.deal_id,
        version=callback_data.version,
        card_message_id=query.message.message_id,
    )
    await query.message.answer(_prompt(action, callback_data.deal_id, actor.locale))


async def typed(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
    bot: Bot,
) -> None:
    data = await state.get_data()
    deal_id, seen, now = int(data["deal_id"]), int(data["version"]), clock.now()
    text = message.text or ""
    current = await state.get_state()
    reader = reader_of(settings, actor, now)
    try:
        if current == DealInput.amount.state:
            card = await pipeline.set_amount(session, actor, deal_id, seen, text, now)
            done = _("Amount of request #{number}: {amount}.").format(
                number=deal_id, amount=money(card.amount or Decimal(0), reader)
            )
        elif current == DealInput.note.state:
            card = await pipeline.add_note(session, actor, deal_id, seen, text, now)
            done = _("Note added to request #{number}.").format(number=deal_id)
        else:
            card = await pipeline.lose(session, actor, deal_id, seen, OTHER, now, other=text)
            done = _("Request #{number} is closed as lost.").format(number=deal_id)
    except StaleCard as stale:
        card, done = stale.card, stale_text()
    except DomainError as error:
        # A mistyped value may be typed again; anything else ends the step.
        if error.code not in RETRYABLE:
            await state.clear()
        raise
    await state.clear()
    await _edit_card(bot, message.chat.id, int(data["card_message_id"]), card, reader)
    await message.answer(done)


async def not_text(message: Message) -> None:
    await message.answer(_("Please send it as text, or /cancel."))


async def _edit_card(
    bot: Bot, chat_id: int, message_id: int, card: DealCard, reader: Reader
) -> None:
    await edit_or_send_at(
        bot, chat_id, message_id, card_text(card, reader), card_keyboard(card, reader)
    )


def router() -> Router:
    router = Router(name="deal_inputs")
    router.callback_query.register(
        ask,
        CardCb.filter(
            F.action.in_({CardAction.AMOUNT, CardAction.NOTE})
            | ((F.action == CardAction.LOSE) & (F.arg == OTHER_INDEX))
        ),
    )
    for input_state in (DealInput.amount, DealInput.note, DealInput.lost_other):
        router.message.register(typed, StateFilter(input_state), Has("text"), NotCommand())
        router.message.register(not_text, StateFilter(input_state), NotCommand())
    return router
