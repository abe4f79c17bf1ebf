"""The owner edits a product from its card in /catalog: a button for each attribute, picked
with buttons (unit, category, measurements, active) or typed (name, code, price, VAT, stock,
formula) or sent (a photo). The card is redrawn after each change; a press or an answer on a
card whose product has changed since changes nothing and shows the product as it is now."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup

from handlers.filters import Has, NotCommand, Staff
from handlers.payloads import Payload, StepExpired
from handlers.presses import Press, on_press
from handlers.readers import reader_of
from handlers.words import Words, not_text, on_words
from presentation.catalog_admin import ProductAction, ProductCb, Typed, card, stale_text
from presentation.catalog_products import (
    category_keyboard,
    category_said,
    category_text,
    formula_keyboard,
    formula_prompt,
    formula_said,
    formula_text,
    photo_hint,
    prompt,
    saved_text,
    switched_text,
    unit_keyboard,
    unit_said,
    unit_text,
)
from presentation.deals.card import Reader
from services import catalog, catalog_edit, measure_sets
from services.access import Actor, require_owner
from services.catalog import UNITS, ProductView
from services.catalog_edit import StaleProduct
from services.db.session import AsyncSession
from services.errors import ErrorCode, InvalidInput


class ProductInput(StatesGroup):
    value = State()
    photo = State()
    formula = State()


STEPS = frozenset(s.state for s in (ProductInput.value, ProductInput.photo, ProductInput.formula))


class EditingProduct(Payload):
    """ProductInput's steps: the product as its card showed it, the card's message (redrawn
    once the answer is saved), what is typed (a Typed attribute) and, for a formula, the
    measure set it counts from."""

    product_id: int
    version: int
    card_message_id: int
    what: str = ""
    set_id: int = 0


RETRY = frozenset(
    {
        ErrorCode.PRODUCT_NAME,
        ErrorCode.PRODUCT_CODE,
        ErrorCode.CODE_TAKEN,
        ErrorCode.PRICE,
        ErrorCode.VAT_RATE,
        ErrorCode.STOCK,
        ErrorCode.FORMULA,
    }
)
TYPED = {
    ProductAction.NAME: Typed.NAMES,
    ProductAction.CODE: Typed.CODE,
    ProductAction.PRICE: Typed.PRICE,
    ProductAction.VAT: Typed.VAT,
    ProductAction.STOCK: Typed.STOCK,
    ProductAction.PHOTO: Typed.PHOTO,
}


async def product_card(
    session: AsyncSession, actor: Actor, product: ProductView, reader: Reader
) -> tuple[str, InlineKeyboardMarkup]:
    return card(product, await catalog.categories(session, actor), reader)


async def _show(press: Press[ProductCb], product: ProductView) -> None:
    await press.show(*await product_card(press.session, press.actor, product, press.reader))


async def _stale(press: Press[ProductCb], product: ProductView) -> None:
    press.answer.text = stale_text()
    await _show(press, product)


async def _leave_step(state: FSMContext) -> None:
    """A typed answer asked on this card no longer applies once it changed by a button."""
    if await state.get_state() in STEPS:
        await state.clear()


@on_press
async def product_button(press: Press[ProductCb]) -> None:
    cb, session, actor = press.data, press.session, press.actor
    require_owner(actor)
    product = await catalog.product(session, actor, cb.product_id)
    if cb.action == ProductAction.SHOW:
        await _leave_step(press.state)
        await _show(press, product)
        return
    if product.version != cb.version:
        await _stale(press, product)
        return
    locale = actor.locale
    if cb.action in TYPED:
        what = TYPED[cb.action]
        step = ProductInput.photo if what == Typed.PHOTO else ProductInput.value
        await _ask(press, step, product, prompt(what, product, locale), what)
    elif cb.action == ProductAction.UNITS:
        await press.show(unit_text(product, locale), unit_keyboard(product, locale))
    elif cb.action == ProductAction.CATEGORIES:
        categories = await catalog.categories(session, actor)
        await press.show(
            category_text(product, locale), category_keyboard(product, categories, locale)
        )
    elif cb.action == ProductAction.FORMULAS:
        sets = await catalog.measure_sets(session, actor)
        await press.show(
            formula_text(product, sets, locale), formula_keyboard(product, sets, locale)
        )
    elif cb.action == ProductAction.FORMULA:
        chosen = await catalog.measure_set(session, actor, cb.arg)
        text = formula_prompt(product, chosen, locale)
        await _ask(press, ProductInput.formula, product, text, set_id=chosen.set_id)
    else:
        await _change(press, product)


async def _ask(
    press: Press[ProductCb],
    step: State,
    product: ProductView,
    text: str,
    what: str = "",
    set_id: int = 0,
) -> None:
    """Ask below the card for `what` (a Typed attribute), or the formula over `set_id`."""
    if press.message is None:
        return
    asked = EditingProduct(
        product_id=product.product_id,
        version=product.version,
        card_message_id=press.message.message_id,
        what=what,
        set_id=set_id,
    )
    await press.ask(step, text, asked)


async def _change(press: Press[ProductCb], product: ProductView) -> None:
    """A change made with one press: the unit, the category, no formula, active or not."""
    try:
        changed = await _changed(press, product)
    except StaleProduct as stale:
        await _stale(press, stale.product)
        return
    await _leave_step(press.state)
    locale = press.actor.locale
    action = press.data.action
    if action == ProductAction.UNIT:
        press.answer.text = unit_said(changed, locale)
    elif action == ProductAction.CATEGORY:
        categories = await catalog.categories(press.session, press.actor)
        press.answer.text = category_said(changed, categories, locale)
    elif action == ProductAction.NO_FORMULA:
        press.answer.text = formula_said(changed)
    else:
        press.answer.text = switched_text(changed)
    await _show(press, changed)


async def _changed(press: Press[ProductCb], product: ProductView) -> ProductView:
    cb, session, actor, now = press.data, press.session, press.actor, press.now
    pid, seen = product.product_id, cb.version
    if cb.action == ProductAction.UNIT:
        if cb.arg >= len(UNITS):
            raise InvalidInput()
        return await catalog_edit.edit(session, actor, pid, seen, now, unit=UNITS[cb.arg])
    if cb.action == ProductAction.CATEGORY:
        return await catalog_edit.edit(session, actor, pid, seen, now, category_id=cb.arg or None)
    if cb.action == ProductAction.NO_FORMULA:
        return await measure_sets.clear_formula(session, actor, pid, seen, now)
    if cb.action == ProductAction.ACTIVE:
        return await catalog_edit.edit(session, actor, pid, seen, now, active=not product.active)
    raise InvalidInput()


async def _save(
    words: Words,
    asked: EditingProduct,
    change: Callable[[], Awaitable[ProductView]],
    said: Callable[[ProductView], str],
) -> None:
    """Save what was typed, redraw the card and say so; a mistyped value may be typed again,
    and a product changed since its card was shown is not changed."""
    try:
        async with words.ends_step(RETRY):
            product = await change()
    except StaleProduct as stale:
        await _redraw(words, asked, stale.product)
        await words.message.answer(stale_text())
        return
    await _redraw(words, asked, product)
    await words.message.answer(said(product))


async def _redraw(words: Words, asked: EditingProduct, product: ProductView) -> None:
    reader = reader_of(words.settings, words.actor, words.now)
    text, markup = await product_card(words.session, words.actor, product, reader)
    await words.redraw(asked.card_message_id, text, markup)


def _parsed(what: Typed, text: str, locale: str) -> Any:
    """What the owner typed for `what`, as the product keeps it."""
    if what == Typed.NAMES:
        return catalog_edit.parse_names(text)
    if what == Typed.CODE:
        return catalog_edit.parse_code(text)
    if what == Typed.PRICE:
        return catalog_edit.parse_price(text, locale)
    if what == Typed.VAT:
        return catalog_edit.parse_vat(text, locale)
    if what == Typed.STOCK:
        return catalog_edit.parse_stock(text, locale)
    raise StepExpired()


@on_words
async def value_typed(words: Words) -> None:
    asked = await words.payload(EditingProduct)
    if asked.what not in set(Typed):
        raise StepExpired()
    what = Typed(asked.what)

    async def change() -> ProductView:
        value = _parsed(what, words.text, words.actor.locale)
        return await catalog_edit.edit(
            words.session,
            words.actor,
            asked.product_id,
            asked.version,
            words.now,
            **{what.value: value},
        )

    await _save(words, asked, change, lambda product: saved_text(what, product))


@on_words
async def photo_sent(words: Words) -> None:
    """A photo (its largest size is kept), or "-" to remove the one the product has."""
    asked = await words.payload(EditingProduct)
    photo = words.message.photo
    if photo:
        file_id: str | None = max(photo, key=lambda size: size.width * size.height).file_id
    elif words.text.strip() == "-":
        file_id = None
    else:
        await words.message.answer(photo_hint())
        return

    async def change() -> ProductView:
        return await catalog_edit.edit(
            words.session,
            words.actor,
            asked.product_id,
            asked.version,
            words.now,
            photo_file_id=file_id,
        )

    await _save(words, asked, change, lambda product: saved_text(Typed.PHOTO, product))


@on_words
async def formula_typed(words: Words) -> None:
    asked = await words.payload(EditingProduct)

    async def change() -> ProductView:
        return await measure_sets.set_formula(
            words.session,
            words.actor,
            asked.product_id,
            asked.version,
            asked.set_id,
            words.text,
            words.now,
        )

    await _save(words, asked, change, formula_said)


def router() -> Router:
    router = Router(name="catalog_products")
    router.callback_query.register(product_button, ProductCb.filter(), Staff())
    router.message.register(photo_sent, StateFilter(ProductInput.photo), NotCommand(), Staff())
    for step, handle in (
        (ProductInput.value, value_typed),
        (ProductInput.formula, formula_typed),
    ):
        router.message.register(handle, StateFilter(step), Has("text"), NotCommand(), Staff())
        router.message.register(not_text, StateFilter(step), NotCommand(), Staff())
    return router
