"""/start (with invite links), /help, /cancel and the language choice, for every role."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from handlers.filters import AnyCommand
from handlers.texts import greeting
from presentation import commands, keyboards
from presentation.callbacks import LangCb, MenuAction, MenuCb
from services import invites, users
from services.access import MANAGER, Actor
from services.clock import Clock
from services.db.session import AsyncSession


async def start_with_invite(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
) -> None:
    await state.clear()
    joined = await invites.accept_invite(session, actor, command.args or "", clock.now())
    await commands.set_for_chat(bot, i18n, actor.tg_id, MANAGER, actor.locale)
    await message.answer(
        _(
            "Welcome to the team, {name}! You are a manager now and on duty: "
            "new requests will come to this chat. /duty switches them off."
        ).format(name=joined.first_name),
        reply_markup=ReplyKeyboardRemove(),
    )


async def start(message: Message, actor: Actor, state: FSMContext) -> None:
    await state.clear()
    markup = None if actor.is_staff else keyboards.customer_menu()
    await message.answer(greeting(actor), reply_markup=markup)


async def cancel(message: Message, actor: Actor, state: FSMContext) -> None:
    if await state.get_state() is None:
        await message.answer(_("There is nothing to cancel."))
        return
    await state.clear()
    await message.answer(_("Cancelled. Nothing was sent."), reply_markup=ReplyKeyboardRemove())
    if not actor.is_staff:
        await message.answer(greeting(actor), reply_markup=keyboards.customer_menu())


async def language(message: Message) -> None:
    await message.answer(_("Choose your language:"), reply_markup=keyboards.languages())


async def language_button(query: CallbackQuery) -> None:
    if isinstance(query.message, Message):
        await query.message.answer(_("Choose your language:"), reply_markup=keyboards.languages())


async def language_chosen(
    query: CallbackQuery,
    callback_data: LangCb,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    i18n: I18n,
) -> None:
    await users.set_language(session, actor, callback_data.code)
    with i18n.use_locale(callback_data.code):
        if actor.is_staff:
            await commands.set_for_chat(bot, i18n, actor.tg_id, actor.role, callback_data.code)
        text = _("Language changed to English.")
        if isinstance(query.message, Message):
            await query.message.edit_text(text)
        else:
            await bot.send_message(actor.tg_id, text)


def router() -> Router:
    router = Router(name="start")
    # Its messages are all commands; every other message passes on after one check.
    router.message.filter(AnyCommand())
    router.message.register(start_with_invite, CommandStart(deep_link=True))
    router.message.register(start, CommandStart())
    router.message.register(start, Command("help"))
    router.message.register(cancel, Command("cancel"))
    router.message.register(language, Command("language"))
    router.callback_query.register(language_button, MenuCb.filter(F.action == MenuAction.LANGUAGE))
    router.callback_query.register(language_chosen, LangCb.filter())
    return router
