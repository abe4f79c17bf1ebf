"""/catalog: categories, a category's products in pages, a product. Opened from a request's
🛒 Items, the same screens add the product pressed to the request. Owners get their editing
buttons on the same screens."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import InlineKeyboardMarkup, Message

from bot.settings import Settings
from handlers.cards import stale_text
from handlers.filters import Staff
from handlers.items import pick
from handlers.presses import Press, on_press
from presentation import catalog_admin
from presentation.catalog import (
    CatalogAction,
    CatalogCb,
    back_to_category,
    home_keyboard,
    home_text,
    page_keyboard,
    page_text,
    product_text,
)
from presentation.deals.buttons import items_button
from presentation.deals.callbacks import ItemAction, ItemCb
from services import catalog, items
from services.access import Actor
from services.catalog import name_in
from services.clock import Clock
from services.db.session import AsyncSession
from services.errors import ErrorCode, InvalidInput


async def home(
    session: AsyncSession, actor: Actor, deal_id: int, version: int
) -> tuple[str, InlineKeyboardMarkup]:
    found = await catalog.categories(session, actor)
    without = await catalog.uncategorised(session, actor)
    extra = []
    if deal_id:
        extra.append([items_button(deal_id, version)])
    elif actor.is_owner:
        extra += catalog_admin.home_rows()
    return home_text(deal_id), home_keyboard(found, without, deal_id, version, extra, actor.locale)


async def command(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, settings: Settings
) -> None:
    text, markup = await home(session, actor, 0, 0)
    await message.answer(text, reply_markup=markup)


@on_press
async def catalog_button(press: Press[CatalogCb]) -> None:
    cb, session, actor = press.data, press.session, press.actor
    if cb.action == CatalogAction.HOME:
        await press.show(*await home(session, actor, cb.deal_id, cb.version))
        return
    if cb.action == CatalogAction.CATEGORY:
        name = await _category_name(session, actor, cb.arg)
        products, pages = await catalog.page(session, actor, cb.arg or None, cb.page)
        await press.show(
            page_text(name, products, cb.page, pages, press.reader),
            page_keyboard(products, cb, pages, actor.locale),
        )
        return
    product = await catalog.product(session, actor, cb.arg)
    if cb.deal_id:
        # The request is checked now, not only once the quantity is typed.
        version = await items.open_version(session, actor, cb.deal_id)
        if version is None:
            raise InvalidInput(ErrorCode.DEAL_CLOSED)
        if version != cb.version:
            press.answer.text = stale_text()
        if press.message is not None:
            add = ItemCb(
                action=ItemAction.PICK,
                deal_id=cb.deal_id,
                version=version,
                arg=product.product_id,
            )
            await pick(session, actor, press.state, press.message, add, 0)
        return
    category = await _category_name(session, actor, product.category_id or 0)
    text = product_text(product, category, press.reader)
    rows = catalog_admin.product_rows(product) if actor.is_owner else []
    markup = InlineKeyboardMarkup(inline_keyboard=[*rows, [back_to_category(product, 0, 0)]])
    await press.show(text, markup)


async def _category_name(session: AsyncSession, actor: Actor, category_id: int) -> str | None:
    for category in await catalog.categories(session, actor):
        if category.category_id == category_id:
            return name_in(category.names, actor.locale)
    return None


def router() -> Router:
    router = Router(name="catalog")
    router.message.register(command, Command("catalog"), Staff())
    router.callback_query.register(catalog_button, CatalogCb.filter(), Staff())
    return router
