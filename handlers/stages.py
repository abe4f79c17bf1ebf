"""/stages: the owner adds, renames (per language), reorders, deletes stages and picks which
ones tell the customer and which reserve stock; the editor is one message edited in place."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from handlers.filters import Has, NotCommand
from handlers.payloads import Payload, load, save
from presentation.deals.callbacks import StageAction, StageCb
from presentation.edits import edit_or_send, edit_or_send_at
from presentation.keyboards import LANGUAGES
from presentation.render import stage_name
from presentation.stages import (
    delete_keyboard,
    delete_text,
    detail_keyboard,
    detail_text,
    overview_keyboard,
    overview_text,
)
from services import stages
from services.access import SUPPORTED_LOCALES, Actor, require_owner
from services.clock import Clock
from services.db.session import AsyncSession
from services.errors import DomainError, ErrorCode, InvalidInput


class StageInput(StatesGroup):
    adding = State()
    renaming = State()


class AddingStage(Payload):
    """StageInput.adding: the stages message, edited once the name is taken."""

    editor_message_id: int


class RenamingStage(AddingStage):
    """StageInput.renaming: also the stage and the language whose name is typed."""

    stage_id: int
    language: str


async def stages_command(message: Message, session: AsyncSession, actor: Actor) -> None:
    pipeline = await stages.overview(session, actor)
    await message.answer(
        overview_text(pipeline, actor.locale),
        reply_markup=overview_keyboard(pipeline, actor.locale),
    )


async def _show(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup) -> None:
    if isinstance(query.message, Message):
        await edit_or_send(query.message, text, markup)


async def stage_button(
    query: CallbackQuery,
    callback_data: StageCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    callback_answer: CallbackAnswer,
) -> None:
    action, stage_id, now = callback_data.action, callback_data.stage_id, clock.now()
    if action == StageAction.LIST:
        pipeline = await stages.overview(session, actor)
        await _show(
            query, overview_text(pipeline, actor.locale), overview_keyboard(pipeline, actor.locale)
        )
        return
    if action == StageAction.MOVE_TO:
        moved, pipeline = await stages.delete(session, actor, stage_id, callback_data.arg, now)
        callback_answer.text = ngettext(
            "Stage deleted; {n} open request moved.",
            "Stage deleted; {n} open requests moved.",
            moved,
        ).format(n=moved)
        await _show(
            query, overview_text(pipeline, actor.locale), overview_keyboard(pipeline, actor.locale)
        )
        return
    if action == StageAction.UP or action == StageAction.DOWN:
        detail = await stages.shift(session, actor, stage_id, action == StageAction.UP, now)
    elif action == StageAction.NOTIFY:
        detail = await stages.toggle_notify(session, actor, stage_id, now)
    elif action == StageAction.RESERVES:
        detail = await stages.toggle_reserves(session, actor, stage_id, now)
    else:
        detail = await stages.detail(session, actor, stage_id)
    if action == StageAction.DELETE:
        if not detail.can_delete:
            raise InvalidInput(ErrorCode.STAGE_FIXED)
        await _show(
            query, delete_text(detail, actor.locale), delete_keyboard(detail, actor.locale)
        )
        return
    await _show(query, detail_text(detail, actor.locale), detail_keyboard(detail))


async def ask_name(
    query: CallbackQuery,
    callback_data: StageCb,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    if not isinstance(query.message, Message):
        return
    editor_message_id = query.message.message_id
    asked: AddingStage
    if callback_data.action == StageAction.ADD:
        require_owner(actor)
        await state.set_state(StageInput.adding)
        asked = AddingStage(editor_message_id=editor_message_id)
        prompt = _(
            "Send the name of the new stage. It is used in every language until you rename it. "
            "/cancel to stop."
        )
    else:
        if not 0 <= callback_data.arg < len(SUPPORTED_LOCALES):
            raise InvalidInput(ErrorCode.LANGUAGE)
        language = SUPPORTED_LOCALES[callback_data.arg]
        detail = await stages.detail(session, actor, callback_data.stage_id)
        await state.set_state(StageInput.renaming)
        asked = RenamingStage(
            editor_message_id=editor_message_id, stage_id=detail.stage.id, language=language
        )
        prompt = _("Send the {language} name for the stage {name}. /cancel to stop.").format(
            language=LANGUAGES[language], name=stage_name(detail.stage.names, actor.locale)
        )
    await save(state, asked)
    await query.message.answer(prompt)


async def name_typed(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    bot: Bot,
) -> None:
    name = message.text or ""
    asked: AddingStage
    try:
        if await state.get_state() == StageInput.adding.state:
            asked = await load(state, AddingStage)
            pipeline = await stages.add(session, actor, name, clock.now())
            text = overview_text(pipeline, actor.locale)
            markup = overview_keyboard(pipeline, actor.locale)
            done = _("Stage added.")
        else:
            asked = renaming = await load(state, RenamingStage)
            detail = await stages.rename(
                session, actor, renaming.stage_id, renaming.language, name, clock.now()
            )
            text, markup = detail_text(detail, actor.locale), detail_keyboard(detail)
            done = _("Stage renamed.")
    except DomainError as error:
        error.ends_step = error.code != ErrorCode.STAGE_NAME
        raise
    await state.clear()
    await message.answer(done)
    await edit_or_send_at(bot, message.chat.id, asked.editor_message_id, text, markup)


def router() -> Router:
    router = Router(name="stages")
    router.message.register(stages_command, Command("stages"))
    router.callback_query.register(
        ask_name, StageCb.filter(F.action.in_({StageAction.ADD, StageAction.RENAME}))
    )
    router.callback_query.register(stage_button, StageCb.filter())
    router.message.register(
        name_typed, StateFilter(StageInput.adding, StageInput.renaming), Has("text"), NotCommand()
    )
    return router
