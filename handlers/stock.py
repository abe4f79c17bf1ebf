"""/stock: staff see the products running low, with what the requests hold, in pages."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from handlers.filters import Staff
from handlers.presses import Press, on_press
from presentation.stock import StockCb, levels_keyboard, levels_text
from services import stock_levels
from services.access import Actor
from services.db.session import AsyncSession


async def command(message: Message, session: AsyncSession, actor: Actor) -> None:
    page = await stock_levels.low(session, actor, 0)
    await message.answer(levels_text(page, actor.locale), reply_markup=levels_keyboard(page))


@on_press
async def turn_page(press: Press[StockCb]) -> None:
    page = await stock_levels.low(press.session, press.actor, press.data.page)
    await press.show(levels_text(page, press.actor.locale), levels_keyboard(page))


def router() -> Router:
    router = Router(name="stock")
    router.message.register(command, Command("stock"), Staff())
    router.callback_query.register(turn_page, StockCb.filter(), Staff())
    return router
