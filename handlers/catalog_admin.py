"""The owner's buttons under /catalog: ➕ Product (name, price, then the unit with buttons; the
new product's card is shown), ➕ Category and 🗂 Categories (rename, delete with a
confirmation). 📐 Measurements and ⚙️ Sales settings are handlers/catalog_sets.py; a product's
card is handlers/catalog_products.py."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.utils.i18n import gettext as _

from handlers.catalog_products import product_card
from handlers.filters import Has, NotCommand, Staff
from handlers.payloads import Payload, StepExpired, load, save
from handlers.presses import Press, on_press
from handlers.words import Words, not_text, on_words
from presentation.catalog_admin import (
    AdminAction,
    AdminCb,
    new_name_prompt,
    new_price_prompt,
    new_unit_keyboard,
    new_unit_prompt,
)
from presentation.catalog_categories import (
    categories_keyboard,
    categories_text,
    category_detail_keyboard,
    category_detail_text,
    category_name_prompt,
    delete_keyboard,
    delete_text,
)
from services import catalog, catalog_edit
from services.access import Actor, require_owner
from services.catalog import UNITS, CategoryView
from services.db.session import AsyncSession
from services.errors import ErrorCode, InvalidInput, NotFound


class CatalogSetup(StatesGroup):
    product_name = State()
    product_price = State()
    product_unit = State()
    category_name = State()
    category_rename = State()


class NewProduct(Payload):
    """CatalogSetup.product_*: the name and the price as typed so far."""

    names: str = ""
    price: str = ""


class NamingCategory(Payload):
    """CatalogSetup.category_*: the message redrawn once the name is saved, and the category
    renamed (0: a new one)."""

    editor_message_id: int
    category_id: int = 0


NAME_ERRORS = frozenset({ErrorCode.PRODUCT_NAME})
HERE = {
    AdminAction.NEW_PRODUCT,
    AdminAction.NEW_UNIT,
    AdminAction.NEW_CATEGORY,
    AdminAction.CATEGORIES,
    AdminAction.CATEGORY,
    AdminAction.RENAME,
    AdminAction.DELETE,
    AdminAction.DELETE_SURE,
}


async def _category(session: AsyncSession, actor: Actor, category_id: int) -> CategoryView:
    for category in await catalog.categories(session, actor):
        if category.category_id == category_id:
            return category
    raise NotFound()


@on_press
async def admin_button(press: Press[AdminCb]) -> None:
    cb, session, actor = press.data, press.session, press.actor
    require_owner(actor)
    locale = actor.locale
    if cb.action == AdminAction.NEW_PRODUCT:
        await press.ask(CatalogSetup.product_name, new_name_prompt(), NewProduct())
        return
    if cb.action == AdminAction.NEW_UNIT:
        await _add_product(press)
        return
    if cb.action in (AdminAction.NEW_CATEGORY, AdminAction.RENAME):
        await _ask_name(press)
        return
    if cb.action == AdminAction.DELETE_SURE:
        await catalog_edit.delete_category(session, actor, cb.arg, press.now)
        press.answer.text = _("Category deleted; its products are left without a category.")
    if cb.action in (AdminAction.CATEGORIES, AdminAction.DELETE_SURE):
        found = await catalog.categories(session, actor)
        await press.show(categories_text(found), categories_keyboard(found, locale))
        return
    category = await _category(session, actor, cb.arg)
    if cb.action == AdminAction.DELETE:
        await press.show(delete_text(category, locale), delete_keyboard(category))
        return
    await press.show(category_detail_text(category, locale), category_detail_keyboard(category))


async def _add_product(press: Press[AdminCb]) -> None:
    """The unit pressed: the product is added and its card shown in place of the question."""
    if await press.state.get_state() != CatalogSetup.product_unit.state:
        raise StepExpired()
    asked = await load(press.state, NewProduct)
    if not (asked.names and asked.price):
        raise StepExpired()
    if press.data.arg >= len(UNITS):
        raise InvalidInput()
    product = await catalog_edit.add_product(
        press.session, press.actor, asked.names, asked.price, UNITS[press.data.arg], press.now
    )
    await press.state.clear()
    press.answer.text = _("Product added.")
    await press.show(*await product_card(press.session, press.actor, product, press.reader))


async def _ask_name(press: Press[AdminCb]) -> None:
    if press.message is None:
        return
    asked = NamingCategory(editor_message_id=press.message.message_id)
    if press.data.action == AdminAction.NEW_CATEGORY:
        await press.ask(CatalogSetup.category_name, category_name_prompt(), asked)
        return
    category = await _category(press.session, press.actor, press.data.arg)
    asked = asked.model_copy(update={"category_id": category.category_id})
    text = category_detail_text(category, press.actor.locale) + "\n\n" + category_name_prompt()
    await press.ask(CatalogSetup.category_rename, text, asked)


@on_words
async def product_name_typed(words: Words) -> None:
    catalog_edit.parse_names(words.text)
    await words.state.set_state(CatalogSetup.product_price)
    await save(words.state, NewProduct(names=words.text))
    await words.message.answer(new_price_prompt(words.actor.locale))


@on_words
async def product_price_typed(words: Words) -> None:
    asked = await words.payload(NewProduct)
    catalog_edit.parse_price(words.text, words.actor.locale)
    await words.state.set_state(CatalogSetup.product_unit)
    await save(words.state, asked.model_copy(update={"price": words.text}))
    await words.message.answer(
        new_unit_prompt(), reply_markup=new_unit_keyboard(words.actor.locale)
    )


async def unit_typed(words: Words) -> None:
    """The unit is picked with the buttons: they are offered again."""
    await words.message.answer(
        new_unit_prompt(), reply_markup=new_unit_keyboard(words.actor.locale)
    )


@on_words
async def category_name_typed(words: Words) -> None:
    asked = await words.payload(NamingCategory)
    session, actor, locale = words.session, words.actor, words.actor.locale
    renaming = await words.state.get_state() == CatalogSetup.category_rename.state
    async with words.ends_step(NAME_ERRORS):
        if renaming:
            await catalog_edit.rename_category(session, actor, asked.category_id, words.text)
        else:
            await catalog_edit.add_category(session, actor, words.text, words.now)
    if renaming:
        category = await _category(session, actor, asked.category_id)
        text = category_detail_text(category, locale)
        markup = category_detail_keyboard(category)
        done = _("Category renamed.")
    else:
        found = await catalog.categories(session, actor)
        text, markup = categories_text(found), categories_keyboard(found, locale)
        done = _("Category added.")
    await words.message.answer(done)
    await words.redraw(asked.editor_message_id, text, markup)


def router() -> Router:
    router = Router(name="catalog_admin")
    router.callback_query.register(admin_button, AdminCb.filter(F.action.in_(HERE)), Staff())
    for step, handle in (
        (CatalogSetup.product_name, product_name_typed),
        (CatalogSetup.product_price, product_price_typed),
        (CatalogSetup.product_unit, on_words(unit_typed)),
        (CatalogSetup.category_name, category_name_typed),
        (CatalogSetup.category_rename, category_name_typed),
    ):
        router.message.register(handle, StateFilter(step), Has("text"), NotCommand(), Staff())
        router.message.register(not_text, StateFilter(step), NotCommand(), Staff())
    return router
