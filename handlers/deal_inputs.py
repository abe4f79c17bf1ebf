"""Card buttons that need words: Amount, Note and Lost → other. The typed answer changes the
deal and the card above is edited in place; /cancel leaves the step."""

from __future__ import annotations

from decimal import Decimal

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.utils.i18n import gettext as _
from babel.numbers import format_decimal

from handlers.cards import CardPress, stale_text, unless_stale
from handlers.deals import OTHER_INDEX
from handlers.filters import Has, NotCommand
from handlers.payloads import Payload
from handlers.presses import on_press
from handlers.readers import reader_of
from handlers.words import Words, not_text, on_words
from presentation.deals.callbacks import CardAction, CardCb
from presentation.deals.card import Reader, card_text, money
from presentation.deals.keyboard import card_keyboard
from services import pipeline
from services.errors import ErrorCode
from services.pipeline import OTHER, StaleCard
from services.views import DealCard


class DealInput(StatesGroup):
    amount = State()
    note = State()
    lost_other = State()


class CardInput(Payload):
    """Any DealInput step: the deal, the card version the button was pressed on, and the
    card's message, edited once the answer is taken."""

    deal_id: int
    version: int
    card_message_id: int


RETRYABLE = frozenset({ErrorCode.AMOUNT, ErrorCode.NEGATIVE_AMOUNT, ErrorCode.EMPTY_TEXT})
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


@on_press
async def ask(press: CardPress) -> None:
    """Check the card is current and the deal is the actor's, then wait for the words."""
    cb = press.data
    check = pipeline.checked(
        press.session, press.actor, cb.deal_id, cb.version, open_only=cb.action != CardAction.NOTE
    )
    if await unless_stale(press, check) is None or press.message is None:
        return
    await press.ask(
        _STATES[cb.action],
        _prompt(cb.action, cb.deal_id, press.actor.locale),
        CardInput(
            deal_id=cb.deal_id, version=cb.version, card_message_id=press.message.message_id
        ),
    )


@on_words
async def typed(words: Words) -> None:
    asked = await words.payload(CardInput)
    step = await words.state.get_state()
    reader = reader_of(words.settings, words.actor, words.now)
    async with words.ends_step(RETRYABLE):
        try:
            card, done = await _change(words, step, asked.deal_id, asked.version, reader)
        except StaleCard as stale:
            card, done = stale.card, stale_text()
    await words.redraw(asked.card_message_id, card_text(card, reader), card_keyboard(card, reader))
    await words.message.answer(done)


async def _change(
    words: Words, step: str | None, deal_id: int, seen: int, reader: Reader
) -> tuple[DealCard, str]:
    """The typed change to the deal, and what to say once it is made."""
    session, actor, text, now = words.session, words.actor, words.text, words.now
    if step == DealInput.amount.state:
        card = await pipeline.set_amount(session, actor, deal_id, seen, text, now)
        return card, _("Amount of request #{number}: {amount}.").format(
            number=deal_id, amount=money(card.amount or Decimal(0), reader)
        )
    if step == DealInput.note.state:
        card = await pipeline.add_note(session, actor, deal_id, seen, text, now)
        return card, _("Note added to request #{number}.").format(number=deal_id)
    card = await pipeline.lose(session, actor, deal_id, seen, OTHER, now, other=text)
    return card, _("Request #{number} is closed as lost.").format(number=deal_id)


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
