"""The customer card's buttons: open it (from a list, a search or a deal card), page its
requests and its history, and edit each detail; typed details end with the card redrawn. A
press on the card of a customer merged into another is told so and shown that one's card
instead."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.utils.i18n import gettext as _

from handlers.filters import Has, NotCommand
from handlers.payloads import Payload
from handlers.presses import Press, on_press
from handlers.readers import reader_of
from handlers.words import Words, not_text, on_words
from presentation.customers.callbacks import CustomerAction as Do
from presentation.customers.callbacks import CustomerCb
from presentation.customers.card import (
    card_keyboard,
    card_text,
    detail_prompt,
    languages_keyboard,
    languages_text,
    phones_keyboard,
    phones_text,
    tags_keyboard,
    tags_text,
)
from presentation.customers.history import history_keyboard, history_text
from presentation.errors import error_text
from services import customer_edits, customer_phones, customer_tags, customer_views
from services.customer_edits import Detail, StaleCustomer
from services.customer_history import customer_history
from services.customer_views import CustomerCard, MergedAway
from services.errors import ErrorCode, NotFound

# What a typed answer changes: a Detail's value, or one of these.
PHONE, TAGS = 100, 101
RETRYABLE = frozenset(
    {
        ErrorCode.EMAIL,
        ErrorCode.BIRTHDAY,
        ErrorCode.CUSTOMER_TEXT,
        ErrorCode.CUSTOMER_PHONE,
        ErrorCode.TAG,
    }
)


class CustomerInput(StatesGroup):
    value = State()


class CustomerTyped(Payload):
    """CustomerInput.value: the customer, their card's version and message, what is typed."""

    customer_id: int
    version: int
    what: int
    card_message_id: int


async def _shown(press: Press[CustomerCb], customer_id: int, page: int = 0) -> CustomerCard:
    """The customer's card; for one merged into another, told so, that one's."""
    try:
        return await customer_views.card(press.session, press.actor, customer_id, page)
    except MergedAway as merged:
        press.answer.text = error_text(merged)
        return await customer_views.card(press.session, press.actor, merged.into_id)


@on_press
async def open_card(press: Press[CustomerCb]) -> None:
    """A card sent below: from a list, a search or a deal card."""
    cb = press.data
    if cb.action == Do.DEAL:
        card = await customer_views.of_deal(press.session, press.actor, cb.target)
    else:
        card = await _shown(press, cb.target)
    if press.message is not None:
        await press.message.answer(
            card_text(card, press.reader), reply_markup=card_keyboard(card, press.reader)
        )


@on_press
async def card_button(press: Press[CustomerCb]) -> None:
    """A press on the card or one of its screens; one made on an older card is told so and
    shown the card as it is now, one on a merged customer's shown the customer they were
    merged into."""
    cb = press.data
    try:
        await _act(press)
    except StaleCustomer as stale:
        press.answer.text = error_text(stale)
        cb = cb.model_copy(update={"action": Do.CARD, "arg": 0})
    except MergedAway:
        # _shown says so and draws the customer they were merged into.
        cb = cb.model_copy(update={"action": Do.CARD, "arg": 0})
    if cb.action in (Do.CARD, Do.MAIN, Do.DROP_PHONE, Do.LANGUAGE, Do.DROP_TAG):
        card = await _shown(press, cb.target, cb.arg if cb.action == Do.CARD else 0)
        await press.state.clear()
        await press.show(card_text(card, press.reader), card_keyboard(card, press.reader))


async def _act(press: Press[CustomerCb]) -> None:
    """What the press changes or asks; the card is redrawn after changes."""
    cb, session, actor, now = press.data, press.session, press.actor, press.now
    args = (session, actor, cb.target, cb.version)
    if cb.action == Do.MAIN:
        await customer_phones.make_main(*args, cb.arg, now)
    elif cb.action == Do.DROP_PHONE:
        await customer_phones.remove_phone(*args, cb.arg, now)
    elif cb.action == Do.LANGUAGE:
        await customer_edits.set_language(*args, cb.arg, now)
    elif cb.action == Do.DROP_TAG:
        await customer_tags.remove_tag(*args, cb.arg, now)
    elif cb.action in (Do.PHONES, Do.LANGUAGES, Do.TAGS):
        card = await customer_views.card(session, actor, cb.target)
        _fresh(card.version, cb.version)
        screens = {
            Do.PHONES: (phones_text, phones_keyboard),
            Do.LANGUAGES: (languages_text, languages_keyboard),
            Do.TAGS: (tags_text, tags_keyboard),
        }
        text, keyboard = screens[cb.action]
        await press.show(text(card), keyboard(card))
    elif cb.action in (Do.EDIT, Do.ADD_PHONE, Do.ADD_TAGS):
        await _ask(press)
    elif cb.action == Do.HISTORY:
        page = await customer_history(session, actor, cb.target, cb.arg)
        await press.show(history_text(page, press.reader), history_keyboard(page))
    else:
        return
    if cb.action in (Do.MAIN, Do.DROP_PHONE, Do.LANGUAGE, Do.DROP_TAG):
        press.answer.text = _("Saved.")


def _fresh(version: int, shown: int) -> None:
    if version != shown:
        raise StaleCustomer()


async def _ask(press: Press[CustomerCb]) -> None:
    cb = press.data
    card = await customer_views.card(press.session, press.actor, cb.target)
    _fresh(card.version, cb.version)
    if cb.action == Do.EDIT:
        if cb.arg not in set(Detail):
            raise NotFound()
        what, prompt = cb.arg, detail_prompt(Detail(cb.arg))
    elif cb.action == Do.ADD_PHONE:
        what, prompt = PHONE, _("Send the phone number, like +994 50 123 45 67, or /cancel.")
    else:
        what = TAGS
        prompt = _("Send tags, one word each, like vip wholesale; or /cancel.")
    if press.message is None:
        return
    payload = CustomerTyped(
        customer_id=card.customer_id,
        version=card.version,
        what=what,
        card_message_id=press.message.message_id,
    )
    await press.ask(CustomerInput.value, prompt, payload)


@on_words
async def value_typed(words: Words) -> None:
    asked = await words.payload(CustomerTyped)
    args = (words.session, words.actor, asked.customer_id, asked.version)
    refused: StaleCustomer | MergedAway | None = None
    async with words.ends_step(RETRYABLE):
        try:
            if asked.what == PHONE:
                region = words.settings.phone_region
                await customer_phones.add_phone(*args, words.text, region, words.now)
            elif asked.what == TAGS:
                await customer_tags.add_tags(*args, words.text, words.now)
            else:
                await customer_edits.set_detail(*args, Detail(asked.what), words.text, words.now)
        except (StaleCustomer, MergedAway) as error:
            refused = error
    shown = refused.into_id if isinstance(refused, MergedAway) else asked.customer_id
    card = await customer_views.card(words.session, words.actor, shown)
    reader = reader_of(words.settings, words.actor, words.now)
    await words.redraw(asked.card_message_id, card_text(card, reader), card_keyboard(card, reader))
    await words.message.answer(error_text(refused) if refused else _("Saved."))


def router() -> Router:
    router = Router(name="customer_card")
    opens = CustomerCb.filter(F.action.in_({Do.OPEN, Do.DEAL}))
    router.callback_query.register(open_card, opens)
    router.callback_query.register(card_button, CustomerCb.filter())
    router.message.register(
        value_typed, StateFilter(CustomerInput.value), Has("text"), NotCommand()
    )
    router.message.register(not_text, StateFilter(CustomerInput.value), NotCommand())
    return router
