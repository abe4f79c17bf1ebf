"""/settings for owners: digests on or off and their time, the response SLA, working hours."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.settings import Settings, defaults_of
from handlers.filters import NotCommand
from presentation.edits import edit_or_send
from presentation.reports import keyboards
from presentation.reports.callbacks import SettingsAction, SettingsCb
from presentation.reports.settings_text import settings_text
from services.access import Actor
from services.clock import Clock
from services.db.session import AsyncSession
from services.errors import ErrorCode, InvalidInput
from services.reports import settings as report_settings
from services.reports.settings import OwnerSettings
from services.reports.worktime import parse_clock, parse_hours


class Typing(StatesGroup):
    digest_time = State()
    sla = State()
    hours = State()


async def _show(message: Message, chosen: OwnerSettings, locale: str, edit: bool) -> None:
    text, markup = settings_text(chosen, locale), keyboards.settings(chosen, locale)
    if edit:
        await edit_or_send(message, text, markup)
    else:
        await message.answer(text, reply_markup=markup)


async def show(
    message: Message, session: AsyncSession, actor: Actor, settings: Settings, state: FSMContext
) -> None:
    chosen = await report_settings.show(session, actor, defaults_of(settings))
    await state.clear()
    await _show(message, chosen, actor.locale, edit=False)


async def toggle(
    query: CallbackQuery,
    callback_data: SettingsCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
) -> None:
    defaults, now = defaults_of(settings), clock.now()
    if callback_data.action is SettingsAction.DAILY:
        chosen = await report_settings.toggle_daily(session, actor, defaults, now)
    elif callback_data.action is SettingsAction.WEEKLY:
        chosen = await report_settings.toggle_weekly(session, actor, defaults, now)
    else:
        chosen = await report_settings.toggle_day(session, actor, defaults, callback_data.day, now)
    if isinstance(query.message, Message):
        await _show(query.message, chosen, actor.locale, edit=True)


PROMPTS = {
    SettingsAction.TIME: Typing.digest_time,
    SettingsAction.SLA: Typing.sla,
    SettingsAction.HOURS: Typing.hours,
}


def _prompt(action: SettingsAction) -> str:
    if action is SettingsAction.TIME:
        return _("Send the time for your digests, like 09:00. /cancel to stop.")
    if action is SettingsAction.SLA:
        return _("Send the response SLA in minutes of working time, like 15. /cancel to stop.")
    return _(
        "Send the working hours, like 09:00-18:00. The day buttons switch working days. "
        "/cancel to stop."
    )


async def ask(
    query: CallbackQuery,
    callback_data: SettingsCb,
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    state: FSMContext,
) -> None:
    await report_settings.show(session, actor, defaults_of(settings))
    await state.set_state(PROMPTS[callback_data.action])
    if isinstance(query.message, Message):
        await query.message.answer(_prompt(callback_data.action))


async def typed(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
) -> None:
    defaults, now, text = defaults_of(settings), clock.now(), message.text or ""
    step = await state.get_state()
    try:
        if step == Typing.digest_time.state:
            minutes = parse_clock(text)
            chosen = await report_settings.set_digest_time(session, actor, defaults, minutes, now)
        elif step == Typing.sla.state:
            chosen = await report_settings.set_sla(session, actor, defaults, _minutes(text), now)
        else:
            start, end = parse_hours(text)
            chosen = await report_settings.set_hours(session, actor, defaults, start, end, now)
    except InvalidInput:
        await message.answer(_("I couldn't read that.") + " " + _prompt(_action(step)))
        return
    await state.clear()
    await _show(message, chosen, actor.locale, edit=False)


def _minutes(text: str) -> int:
    if not text.strip().isdigit():
        raise InvalidInput(ErrorCode.SLA)
    return int(text.strip())


def _action(step: str | None) -> SettingsAction:
    return next(a for a, s in PROMPTS.items() if s.state == step)


def router() -> Router:
    router = Router(name="report_settings")
    router.message.register(show, Command("settings"))
    router.callback_query.register(ask, SettingsCb.filter(F.action.in_(list(PROMPTS))))
    router.callback_query.register(toggle, SettingsCb.filter())
    router.message.register(typed, StateFilter(Typing), NotCommand())
    return router
