"""A manager's page in /team: the owner sets their level, capacity, languages and tags."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.filters import NotCommand
from handlers.payloads import Payload, load, save
from handlers.team import team_text
from presentation.edits import edit_or_send
from presentation.team import MemberAction, MemberCb, member_keyboard, member_text, team_keyboard
from services import team, users
from services.access import Actor
from services.db.session import AsyncSession
from services.errors import ErrorCode, InvalidInput


class MemberTyping(StatesGroup):
    level = State()
    capacity = State()
    tags = State()


class MemberOf(Payload):
    """MemberTyping: the manager whose value is being typed."""

    user_id: int


STEPS = {
    MemberAction.LEVEL: MemberTyping.level,
    MemberAction.CAPACITY: MemberTyping.capacity,
    MemberAction.TAGS: MemberTyping.tags,
}


def _prompt(action: MemberAction) -> str:
    if action is MemberAction.LEVEL:
        return _(
            "Send the level, a whole number from 1 to 9 (higher is more senior). /cancel to stop."
        )
    if action is MemberAction.CAPACITY:
        return _("Send how many open requests at most, or 0 for no limit. /cancel to stop.")
    return _(
        "Send tags as words separated by spaces, like vip web, or - to clear. /cancel to stop."
    )


async def pressed(
    query: CallbackQuery, callback_data: MemberCb, session: AsyncSession, actor: Actor
) -> None:
    user_id = callback_data.user_id
    if callback_data.action is MemberAction.LANGUAGE:
        await team.toggle_language(session, actor, user_id, callback_data.code)
    if not isinstance(query.message, Message):
        return
    if callback_data.action is MemberAction.BACK:
        members = await users.team(session, actor)
        await edit_or_send(query.message, team_text(members), team_keyboard(members))
        return
    member = await users.member(session, actor, user_id)
    await edit_or_send(query.message, member_text(member), member_keyboard(member))


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
    else:
        await team.set_tags(session, actor, user_id, text)
    await state.clear()
    member = await users.member(session, actor, user_id)
    await message.answer(member_text(member), reply_markup=member_keyboard(member))


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
