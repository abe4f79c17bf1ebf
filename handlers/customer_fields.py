"""The customer card's 🧾 Fields: the customer's manager (or an owner) picks a field, then a
value with buttons (yes/no, a list) or types it; the card is redrawn once it is saved. A press
made on an older card, or on a customer merged into another, changes nothing and shows the card
as it is."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup

from handlers.field_values import VALUE_ERRORS
from handlers.filters import Has, NotCommand
from handlers.payloads import Payload, save
from handlers.presses import Press, on_press
from handlers.readers import reader_of
from handlers.words import Words, not_text, on_words
from presentation.customers.callbacks import CustomerValueCb
from presentation.customers.card import card_keyboard, card_text
from presentation.customers.fields import (
    fields_keyboard,
    fields_text,
    picker_keyboard,
    picker_text,
)
from presentation.errors import error_text
from presentation.field_values import ValueAction, cleared_text, saved_text
from services import customer_fields, customer_views
from services.customer_edits import StaleCustomer
from services.customer_views import MergedAway
from services.field_kinds import CHOICE, YES_NO


class CustomerFieldInput(StatesGroup):
    value = State()


class CustomerValueTyped(Payload):
    """CustomerFieldInput.value: the customer, their card's version and message, the field."""

    customer_id: int
    version: int
    field_id: int
    card_message_id: int


@on_press
async def value_button(press: Press[CustomerValueCb]) -> None:
    """The customer's fields, one field's picker, or a value picked or cleared."""
    cb = press.data
    shown = cb.customer_id
    try:
        if await _act(press):
            return
    except (StaleCustomer, MergedAway) as refused:
        press.answer.text = error_text(refused)
        shown = refused.into_id if isinstance(refused, MergedAway) else shown
    await press.state.clear()
    card = await customer_views.card(press.session, press.actor, shown)
    await press.show(card_text(card, press.reader), card_keyboard(card, press.reader))


async def _act(press: Press[CustomerValueCb]) -> bool:
    """Answers whether a screen of fields is shown; otherwise the card is redrawn."""
    cb, session, actor, reader, now = (
        press.data,
        press.session,
        press.actor,
        press.reader,
        press.now,
    )
    args = (session, actor, cb.customer_id, cb.version, cb.field_id)
    if cb.action == ValueAction.LIST:
        found = await customer_fields.of_customer(session, actor, cb.customer_id, cb.version)
        await press.state.clear()
        await press.show(fields_text(found, reader), fields_keyboard(found, reader))
        return True
    if cb.action == ValueAction.PICK:
        one = await customer_fields.one_of_customer(*args)
        if one.field.kind not in (YES_NO, CHOICE) and press.message is not None:
            await press.state.set_state(CustomerFieldInput.value)
            payload = CustomerValueTyped(
                customer_id=one.customer_id,
                version=one.version,
                field_id=one.field.field_id,
                card_message_id=press.message.message_id,
            )
            await save(press.state, payload)
        await press.show(picker_text(one, reader), picker_keyboard(one, reader))
        return True
    if cb.action == ValueAction.SET:
        picked = await customer_fields.set_picked(*args, cb.arg, now)
        press.answer.text = saved_text(picked, actor.locale, reader.currency)
    else:
        field = await customer_fields.clear(*args, now)
        press.answer.text = cleared_text(field, actor.locale)
    return False


@on_words
async def value_typed(words: Words) -> None:
    asked = await words.payload(CustomerValueTyped)
    reader = reader_of(words.settings, words.actor, words.now)
    shown, said = asked.customer_id, ""
    async with words.ends_step(VALUE_ERRORS):
        try:
            value = await customer_fields.set_typed(
                words.session,
                words.actor,
                asked.customer_id,
                asked.version,
                asked.field_id,
                words.text,
                words.now,
            )
            said = saved_text(value, reader.locale, reader.currency)
        except (StaleCustomer, MergedAway) as refused:
            said = error_text(refused)
            shown = refused.into_id if isinstance(refused, MergedAway) else shown
    card = await customer_views.card(words.session, words.actor, shown)
    await words.redraw(asked.card_message_id, card_text(card, reader), card_keyboard(card, reader))
    await words.message.answer(said)


def router() -> Router:
    router = Router(name="customer_fields")
    router.callback_query.register(value_button, CustomerValueCb.filter())
    router.message.register(
        value_typed, StateFilter(CustomerFieldInput.value), Has("text"), NotCommand()
    )
    router.message.register(not_text, StateFilter(CustomerFieldInput.value), NotCommand())
    return router
