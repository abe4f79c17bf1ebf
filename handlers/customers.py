"""/customer (find one and open their card) and /customers (a page of them, with filters)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.settings import Settings
from handlers.presses import Press, on_press
from handlers.readers import reader_of
from presentation.customers.callbacks import CustomerListCb, ListAction, searchable
from presentation.customers.card import card_keyboard, card_text
from presentation.customers.lists import (
    activity_filter,
    found_keyboard,
    found_text,
    list_keyboard,
    list_text,
    source_filter,
    tag_filter,
)
from services import customer_search, customer_views
from services.access import Actor
from services.clock import Clock
from services.customer_search import Filters
from services.db.session import AsyncSession


async def customer_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
) -> None:
    query = " ".join((command.args or "").split())
    if not query:
        await message.answer(
            _(
                "Send /customer with a part of a name or phone number, or a request number, "
                "like /customer Leyla or /customer 12."
            )
        )
        return
    found = await customer_search.find(session, actor, query)
    reader = reader_of(settings, actor, clock.now())
    if len(found.rows) == 1:
        card = await customer_views.card(session, actor, found.rows[0].customer_id)
        await message.answer(card_text(card, reader), reply_markup=card_keyboard(card, reader))
        return
    await message.answer(found_text(found, query, reader), reply_markup=found_keyboard(found))


async def customers_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
) -> None:
    filters = Filters(search=searchable(command.args or ""))
    shown = await customer_search.customers(session, actor, 0, filters, clock.now())
    reader = reader_of(settings, actor, clock.now())
    await message.answer(list_text(shown, reader), reply_markup=list_keyboard(shown))


@on_press
async def list_button(press: Press[CustomerListCb]) -> None:
    """A page of the list, or (for a filter's button) the filter's choices in its buttons."""
    cb = press.data
    filters = Filters(searchable(cb.search), cb.tag, cb.source, cb.activity)
    if cb.action == ListAction.PAGE:
        shown = await customer_search.customers(
            press.session, press.actor, cb.page, filters, press.now
        )
        await press.show(list_text(shown, press.reader), list_keyboard(shown))
        return
    if cb.action == ListAction.TAGS:
        markup = tag_filter(
            filters, await customer_search.offered_tags(press.session, press.actor)
        )
    else:
        # The list the filter belongs to, so a forged filter is refused as the list would be.
        await customer_search.customers(press.session, press.actor, 0, filters, press.now)
        pick = source_filter if cb.action == ListAction.SOURCES else activity_filter
        markup = pick(filters)
    if press.message is not None:
        await press.message.edit_reply_markup(reply_markup=markup)


def router() -> Router:
    router = Router(name="customers")
    router.message.register(customer_command, Command("customer"))
    router.message.register(customers_command, Command("customers"))
    router.callback_query.register(
        list_button, CustomerListCb.filter(F.action.in_(set(ListAction)))
    )
    return router
