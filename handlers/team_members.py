"""A manager's page in /team: the owner sets their level, capacity, languages, tags and
working hours (days on buttons, the hours typed; the company's until set)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from handlers.filters import NotCommand
from handlers.payloads import Payload, load, save
from handlers.team import team_text
from presentation.edits import edit_or_send
from presentation.team import MemberAction, MemberCb, member_keyboard, member_text, team_keyboard
from services import team, users
from services.access import Actor
from services.company import company_hours
from services.db.session import AsyncSession
from services.errors import ErrorCode, InvalidInput
from services.reports.worktime import parse_hours


class MemberTyping(StatesGroup):
    level = State()
    capacity = State()
    tags = State()
    hours = State()


class MemberOf(Payload):
    """MemberTyping: the manager whose value is being typed."""

    user_id: int


STEPS = {
    MemberAction.LEVEL: MemberTyping.level,
    MemberAction.CAPACITY: MemberTyping.capacity,
    MemberAction.TAGS: MemberTyping.tags,
    MemberAction.HOURS: MemberTyping.hours,
}


def _prompt(action: MemberAction) -> str:
    if action is MemberAction.LEVEL:
        return _(
            "Send the level, a whole number from 1 to 9 (higher is more senior). /cancel to stop."
        )
    if action is MemberAction.CAPACITY:
        return _("Send how many open requests at most, or 0 for no limit. /cancel to stop.")
    if action is MemberAction.HOURS:
        return _(
            "Send the manager's working hours, like 14:00-22:00. The day buttons switch their "
            "working days. /cancel to stop."
        )
    return _(
        "Send tags as words separated by spaces, like vip web, or - to clear. /cancel to stop."
    )


async def pressed(
    query: CallbackQuery, callback_data: MemberCb, session: AsyncSession, actor: Actor
) -> None:
    user_id = callback_data.user_id
    if callback_data.action is MemberAction.LANGUAGE:
        await team.toggle_language(session, actor, user_id, callback_data.code)
    elif callback_data.action is MemberAction.DAY:
        day = callback_data.code
        await team.toggle_day(session, actor, user_id, int(day) if day.isdigit() else -1)
    elif callback_data.action is MemberAction.COMPANY_HOURS:
        await team.company_hours_for(session, actor, user_id)
    if not isinstance(query.message, Message):
        return
    if callback_data.action is MemberAction.BACK:
        members = await users.team(session, actor)
        await edit_or_send(query.message, team_text(members), team_keyboard(members))
        return
    await edit_or_send(query.message, *await _page(session, actor, user_id))


async def ask(
    query: CallbackQuery,
    callback_data: MemberCb,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    await users.member(session, actor, callback_data.user_id)
    await state.set_state(STEPS[callback_data.action])
    await save(state, MemberOf(user_id=callback_data.user_id))
    if isinstance(query.message, Message):
        await query.message.answer(_prompt(callback_data.action))


async def typed(message: Message, session: AsyncSession, actor: Actor, state: FSMContext) -> None:
    user_id, text = (await load(state, MemberOf)).user_id, (message.text or "").strip()
    step = await state.get_state()
    if step == MemberTyping.level.state:
        await team.set_level(session, actor, user_id, _number(text, ErrorCode.LEVEL))
    elif step == MemberTyping.capacity.state:
        capacity = _number(text, ErrorCode.CAPACITY)
        await team.set_capacity(session, actor, user_id, capacity or None)
    elif step == MemberTyping.hours.state:
        start, end = parse_hours(text)
        await team.set_hours(session, actor, user_id, start, end)
    else:
        await team.set_tags(session, actor, user_id, text)
    await state.clear()
    text, markup = await _page(session, actor, user_id)
    await message.answer(text, reply_markup=markup)


async def _page(
    session: AsyncSession, actor: Actor, user_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    member = await users.member(session, actor, user_id)
    company = (await company_hours(session)).schedule
    return (
        member_text(member, company, actor.locale),
        member_keyboard(member, company, actor.locale),
    )


def _number(text: str, code: ErrorCode) -> int:
    if not text.isdigit() or len(text) > 4:
        raise InvalidInput(code)
    return int(text)


def router() -> Router:
    router = Router(name="team_members")
    router.callback_query.register(ask, MemberCb.filter(F.action.in_(list(STEPS))))
    router.callback_query.register(pressed, MemberCb.filter())
    router.message.register(typed, StateFilter(MemberTyping), NotCommand())
    return router
