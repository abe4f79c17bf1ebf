"""A deal's 🛒 Items: the screen, an item's buttons, adding a product (found in inline mode or
in the catalog) with a quantity or measurements, and the typed answers they ask for."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiogram import Bot, Router
from aiogram.filters import Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.cards import stale_text
from handlers.filters import Has, NotCommand, Staff
from handlers.payloads import Payload, save
from handlers.presses import Press, on_press
from handlers.readers import reader_of
from handlers.words import Words, not_text, on_words
from presentation.deals.callbacks import ItemAction, ItemCb
from presentation.edits import edit_or_send_at
from presentation.errors import error_text
from presentation.items import (
    discount_prompt,
    item_keyboard,
    item_text,
    items_keyboard,
    items_text,
    measures_prompt,
    quantity_prompt,
    use_measures_keyboard,
)
from presentation.stock import with_warning
from services import catalog, discounts, items
from services.access import Actor
from services.catalog import name_in
from services.db.session import AsyncSession
from services.errors import ErrorCode, InvalidInput, NotFound
from services.items import Screen
from services.pipeline import StaleCard


class ItemInput(StatesGroup):
    quantity = State()
    measures = State()
    discount = State()


class Asked(Payload):
    """What a typed answer is for: the deal as the screen showed it, the product, item or
    measurements it changes (0: none), and the screen to redraw."""

    deal_id: int
    version: int
    product_id: int = 0
    item_id: int = 0
    measure_id: int = 0
    screen_id: int = 0


# An item's change from what was typed: (session, actor, deal, version seen, the item, product or
# measurements it is about, the text, now).
Change = Callable[[AsyncSession, Actor, int, int, int, str, datetime], Awaitable[Screen]]
RETRY = frozenset({ErrorCode.QUANTITY, ErrorCode.MEASURES, ErrorCode.DISCOUNT})


async def _show(press: Press[ItemCb], screen: Screen) -> None:
    reader = press.reader
    await press.show(
        with_warning(items_text(screen.items, reader), screen.short, reader.locale),
        items_keyboard(screen.items, screen.version, screen.is_open, reader),
    )


@on_press
async def item_button(press: Press[ItemCb]) -> None:
    cb, session, actor = press.data, press.session, press.actor
    try:
        await _pressed(press, cb)
    except StaleCard:
        press.answer.text = stale_text()
        await press.state.clear()
        await _show(press, await items.screen(session, actor, cb.deal_id))


async def _pressed(press: Press[ItemCb], cb: ItemCb) -> None:
    session, actor, now = press.session, press.actor, press.now
    screen_id = press.message.message_id if press.message is not None else 0
    asked = Asked(deal_id=cb.deal_id, version=cb.version, screen_id=screen_id)
    match cb.action:
        case ItemAction.LIST:
            await press.state.clear()
            await _show(press, await items.screen(session, actor, cb.deal_id))
        case ItemAction.OPEN:
            screen = await items.screen(session, actor, cb.deal_id)
            item = screen.items.item(cb.arg)
            if item is None:
                raise NotFound()
            await press.show(
                item_text(screen.items, item, press.reader),
                item_keyboard(screen.items, item, screen.version, press.reader),
            )
        case ItemAction.QUANTITY:
            if (found := await _checked(press, cb)) is None:
                return
            item = found.items.item(cb.arg)
            if item is None:
                raise NotFound()
            prompt = quantity_prompt(name_in(item.names, actor.locale), item.unit, actor.locale)
            await press.ask(
                ItemInput.quantity, prompt, asked.model_copy(update={"item_id": item.item_id})
            )
        case ItemAction.MEASURES:
            if (found := await _checked(press, cb)) is None:
                return
            measure = found.items.measure(cb.arg)
            if measure is None:
                raise NotFound()
            prompt = measures_prompt(
                name_in(measure.names, actor.locale),
                [name_in(i.names, actor.locale) for i in measure.inputs],
                measure.inputs[0].unit,
                actor.locale,
            )
            await press.ask(
                ItemInput.measures,
                prompt,
                asked.model_copy(update={"measure_id": measure.measure_id}),
            )
        case ItemAction.REMOVE:
            screen = await items.remove(session, actor, cb.deal_id, cb.version, cb.arg, now)
            press.answer.text = _("Item removed.")
            await _show(press, screen)
        case ItemAction.DISCOUNT:
            if (found := await _checked(press, cb)) is None:
                return
            item = found.items.item(cb.arg) if cb.arg else None
            if cb.arg and item is None:
                raise NotFound()
            prompt = discount_prompt(
                cb.deal_id, name_in(item.names, actor.locale) if item else None
            )
            await press.ask(
                ItemInput.discount, prompt, asked.model_copy(update={"item_id": cb.arg})
            )
        case ItemAction.UNDISCOUNT:
            screen = await discounts.take_back(session, actor, cb.deal_id, cb.version, cb.arg, now)
            press.answer.text = _("Discount removed.")
            await _show(press, screen)
        case ItemAction.PICK:
            if await _checked(press, cb) is not None and press.message is not None:
                await pick(press.session, press.actor, press.state, press.message, cb, screen_id)
        case ItemAction.USE:
            screen = await items.add_on_measure(
                session, actor, cb.deal_id, cb.version, cb.arg, cb.arg2, now
            )
            press.answer.text = _("Item added.")
            await _show(press, screen)


async def _checked(press: Press[ItemCb], cb: ItemCb) -> Screen | None:
    """The screen, for a press that asks something; None when the deal was closed or changed
    since the screen was shown: then the screen is shown as it is now."""
    screen = await items.screen(press.session, press.actor, cb.deal_id)
    if screen.is_open and screen.version == cb.version:
        return screen
    await press.state.clear()
    press.answer.text = (
        stale_text() if screen.is_open else error_text(InvalidInput(ErrorCode.DEAL_CLOSED))
    )
    await _show(press, screen)
    return None


async def pick(
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    below: Message,
    cb: ItemCb,
    screen_id: int,
) -> None:
    """A product chosen for the deal: ask its quantity, or its measurements (offering those
    already typed on the deal for the same kind of measurements)."""
    product = await catalog.product(session, actor, cb.arg)
    asked = Asked(
        deal_id=cb.deal_id, version=cb.version, product_id=product.product_id, screen_id=screen_id
    )
    name = name_in(product.names, actor.locale)
    await state.set_state(ItemInput.quantity)
    await save(state, asked)
    if product.formula is None or product.measure_set_id is None:
        await below.answer(quantity_prompt(name, product.unit, actor.locale))
        return
    await state.set_state(ItemInput.measures)
    inputs = await catalog.measure_set(session, actor, product.measure_set_id)
    screen = await items.screen(session, actor, cb.deal_id)
    same = [m for m in screen.items.measures if m.set_id == product.measure_set_id]
    prompt = measures_prompt(
        name,
        [name_in(i.names, actor.locale) for i in inputs.inputs],
        inputs.inputs[0].unit,
        actor.locale,
    )
    markup = None
    if same:
        prompt += "\n" + _("Or count it from measurements already on the request:")
        markup = use_measures_keyboard(
            screen.items, screen.version, product.product_id, same, actor.locale
        )
    await below.answer(prompt, reply_markup=markup)


async def _redraw(words: Words, asked: Asked, screen: Screen) -> None:
    reader = reader_of(words.settings, words.actor, words.now)
    text = with_warning(items_text(screen.items, reader), screen.short, reader.locale)
    markup = items_keyboard(screen.items, screen.version, screen.is_open, reader)
    if asked.screen_id:
        await edit_or_send_at(words.bot, words.message.chat.id, asked.screen_id, text, markup)
    else:
        await words.message.answer(text, reply_markup=markup)


@on_words
async def quantity_typed(words: Words) -> None:
    """A new item's quantity, or an item's new one."""
    asked = await words.payload(Asked)
    if asked.item_id:
        await _typed(words, asked, items.set_quantity, asked.item_id)
    else:
        await _typed(words, asked, items.add, asked.product_id)


@on_words
async def measures_typed(words: Words) -> None:
    """A new item's measurements, or new ones for every item counted from them."""
    asked = await words.payload(Asked)
    if asked.measure_id:
        await _typed(words, asked, items.set_measures, asked.measure_id)
    else:
        await _typed(words, asked, items.add_measured, asked.product_id)


async def _typed(words: Words, asked: Asked, change: Change, subject: int) -> None:
    async with words.ends_step(RETRY):
        screen = await change(
            words.session,
            words.actor,
            asked.deal_id,
            asked.version,
            subject,
            words.text,
            words.now,
        )
    await words.message.answer(_("Saved: the request's total is counted again."))
    await _redraw(words, asked, screen)


@on_words
async def discount_typed(words: Words) -> None:
    asked = await words.payload(Asked)
    async with words.ends_step(RETRY):
        given = await discounts.give(
            words.session,
            words.actor,
            asked.deal_id,
            asked.version,
            asked.item_id or None,
            words.text,
            words.now,
        )
    if given.together:
        await words.message.answer(
            _(
                "With your other discounts on this request the discount is above your limit, "
                "so the owner was asked to approve it."
            )
        )
    elif given.pending:
        await words.message.answer(
            _("The discount is above your limit, so the owner was asked to approve it.")
        )
    else:
        await words.message.answer(_("Discount given: the request's total is counted again."))
    await _redraw(words, asked, given.screen)


class CarriesAdd(Filter):
    """A message sent through this bot's inline mode with a product's ✅ Add button, handed to
    the handler as `add`; anything else sent via a bot goes on to the other handlers."""

    async def __call__(self, message: Message, bot: Bot) -> bool | dict[str, Any]:
        if message.via_bot is None or message.via_bot.id != bot.id:
            return False
        data = _add_button(message)
        return False if data is None else {"add": data}


async def picked_inline(
    message: Message,
    add: ItemCb,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    """A product chosen in inline mode comes with its ✅ Add button: the bot does what the
    button does, so the manager needn't tap it."""
    data = add
    screen = await items.screen(session, actor, data.deal_id)
    if not screen.is_open:
        raise InvalidInput(ErrorCode.DEAL_CLOSED)
    if screen.version != data.version:
        await message.answer(stale_text())
        data = data.model_copy(update={"version": screen.version})
    await pick(session, actor, state, message, data, 0)


def _add_button(message: Message) -> ItemCb | None:
    markup = message.reply_markup
    for row in markup.inline_keyboard if markup is not None else []:
        for button in row:
            if button.callback_data and button.callback_data.startswith(f"{ItemCb.__prefix__}:"):
                try:
                    data = ItemCb.unpack(button.callback_data)
                except (TypeError, ValueError):
                    return None
                return data if data.action == ItemAction.PICK else None
    return None


def router() -> Router:
    router = Router(name="items")
    router.callback_query.register(item_button, ItemCb.filter(), Staff())
    router.message.register(picked_inline, CarriesAdd(), Staff())
    steps = (
        (ItemInput.quantity, quantity_typed),
        (ItemInput.measures, measures_typed),
        (ItemInput.discount, discount_typed),
    )
    for step, handle in steps:
        router.message.register(handle, StateFilter(step), Has("text"), NotCommand())
        router.message.register(not_text, StateFilter(step), NotCommand())
    return router
