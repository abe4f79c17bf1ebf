"""Last in line: anything no other handler took gets help, never silence."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from handlers.texts import staff_help
from presentation import keyboards
from services.access import Actor


async def unknown_message(message: Message, actor: Actor) -> None:
    if actor.is_staff:
        await message.answer(staff_help())
        return
    await message.answer(
        _("I didn't understand that. Write what you need in words, or send a photo or document."),
        reply_markup=keyboards.customer_menu(),
    )


async def unknown_button(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    callback_answer.text = _("This button is no longer available.")


def router() -> Router:
    router = Router(name="fallback")
    router.message.register(unknown_message)
    router.callback_query.register(unknown_button)
    return router
