"""The 🧾 Fields button of a deal card: its manager (or an owner) picks a field, then a value
with buttons (yes/no, a list) or types it; the card is redrawn once it is saved."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup

from handlers.filters import Has, NotCommand
from handlers.payloads import Payload, save
from handlers.presses import Press, on_press
from handlers.readers import reader_of
from handlers.words import Words, not_text, on_words
from presentation.deals.card import card_text
from presentation.deals.keyboard import card_keyboard
from presentation.field_values import ValueAction, ValueCb, cleared_text, saved_text
from presentation.fields import (
    deal_fields_keyboard,
    deal_fields_text,
    picker_keyboard,
    picker_text,
)
from services import fields, pipeline
from services.errors import ErrorCode
from services.field_kinds import CHOICE, YES_NO, Shown


class FieldInput(StatesGroup):
    value = State()


class ValueInput(Payload):
    """FieldInput.value: the deal, the field and the card's message, redrawn once saved."""

    deal_id: int
    field_id: int
    card_message_id: int


VALUE_ERRORS = frozenset(
    {
        ErrorCode.FIELD_TEXT,
        ErrorCode.FIELD_NUMBER,
        ErrorCode.FIELD_DATE,
        ErrorCode.AMOUNT,
        ErrorCode.NEGATIVE_AMOUNT,
    }
)


@on_press
async def value_button(press: Press[ValueCb]) -> None:
    """The card's fields, one field's picker, or a value picked or cleared."""
    cb, session, actor, reader = press.data, press.session, press.actor, press.reader
    if cb.action == ValueAction.LIST:
        found = await fields.of_deal(session, actor, cb.deal_id)
        card = await pipeline.card(session, actor, cb.deal_id)
        await press.state.clear()
        await press.show(
            deal_fields_text(found, reader), deal_fields_keyboard(found, card, reader)
        )
        return
    if cb.action == ValueAction.PICK:
        field, value = await fields.one_of_deal(session, actor, cb.deal_id, cb.field_id)
        if field.kind not in (YES_NO, CHOICE) and press.message is not None:
            await press.state.set_state(FieldInput.value)
            await save(
                press.state,
                ValueInput(
                    deal_id=cb.deal_id,
                    field_id=field.field_id,
                    card_message_id=press.message.message_id,
                ),
            )
        await press.show(
            picker_text(field, value, cb.deal_id, reader),
            picker_keyboard(field, value, cb.deal_id, reader),
        )
        return
    if cb.action == ValueAction.SET:
        field, picked = await fields.set_picked(
            session, actor, cb.deal_id, cb.field_id, cb.arg, press.now
        )
        press.answer.text = saved_text(Shown(field, picked), actor.locale, reader.currency)
    else:
        field = await fields.clear(session, actor, cb.deal_id, cb.field_id, press.now)
        press.answer.text = cleared_text(field, actor.locale)
    await press.state.clear()
    card = await pipeline.card(session, actor, cb.deal_id)
    await press.show(card_text(card, reader), card_keyboard(card, reader))


@on_words
async def value_typed(words: Words) -> None:
    asked = await words.payload(ValueInput)
    async with words.ends_step(VALUE_ERRORS):
        field, value = await fields.set_typed(
            words.session, words.actor, asked.deal_id, asked.field_id, words.text, words.now
        )
    card = await pipeline.card(words.session, words.actor, asked.deal_id)
    reader = reader_of(words.settings, words.actor, words.now)
    await words.redraw(asked.card_message_id, card_text(card, reader), card_keyboard(card, reader))
    await words.message.answer(saved_text(Shown(field, value), reader.locale, reader.currency))


def router() -> Router:
    router = Router(name="field_values")
    router.callback_query.register(value_button, ValueCb.filter())
    router.message.register(value_typed, StateFilter(FieldInput.value), Has("text"), NotCommand())
    router.message.register(not_text, StateFilter(FieldInput.value), NotCommand())
    return router
