"""Reminders and tasks: Remind on a deal card (a preset or a typed moment, then an optional
note), /tasks, and the buttons under a due reminder: Done, Snooze, Open request."""

from __future__ import annotations

from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot import task_views
from bot.edits import edit_or_send, edit_or_send_at
from bot.followup_callbacks import RemindAction, RemindCb, TaskAction, TaskCb
from bot.render import when
from bot.settings import Settings
from handlers.filters import Has, NotCommand, Staff
from services import tasks
from services.access import Actor
from services.clock import Clock
from services.db.session import AsyncSession
from services.errors import DomainError
from services.moments import parse_moment, preset_moment

RETRYABLE = frozenset({"moment", "moment_past", "empty_text"})


class TaskInput(StatesGroup):
    moment = State()
    note = State()


async def remind_menu(
    query: CallbackQuery, callback_data: RemindCb, session: AsyncSession, actor: Actor
) -> None:
    await tasks.check_remind(session, actor, callback_data.deal_id)
    if isinstance(query.message, Message):
        await query.message.answer(
            _("When should I remind you about request #{number}?").format(
                number=callback_data.deal_id
            ),
            reply_markup=task_views.remind_picker(callback_data.deal_id),
        )


async def remind_preset(
    query: CallbackQuery,
    callback_data: RemindCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    callback_answer: CallbackAnswer,
) -> None:
    now = clock.now()
    due = preset_moment(callback_data.preset, now, settings.zone)
    task = await tasks.remind(session, actor, callback_data.deal_id, due, now)
    text = task_views.reminder_set(task, settings.zone, actor.locale)
    callback_answer.text = text
    if isinstance(query.message, Message):
        await edit_or_send(query.message, text, task_views.note_button(task))


async def remind_typed(
    query: CallbackQuery,
    callback_data: RemindCb,
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    state: FSMContext,
) -> None:
    await tasks.check_remind(session, actor, callback_data.deal_id)
    if not isinstance(query.message, Message):
        return
    await state.set_state(TaskInput.moment)
    await state.update_data(deal_id=callback_data.deal_id, picker=query.message.message_id)
    await edit_or_send(
        query.message, task_views.typed_prompt(callback_data.deal_id, settings.zone)
    )


async def moment_typed(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
    bot: Bot,
) -> None:
    data = await state.get_data()
    now = clock.now()
    try:
        due = parse_moment(message.text or "", now, settings.zone)
        task = await tasks.remind(session, actor, int(data["deal_id"]), due, now)
    except DomainError as error:
        if error.code not in RETRYABLE:
            await state.clear()
        raise
    await state.clear()
    text = task_views.reminder_set(task, settings.zone, actor.locale)
    await edit_or_send_at(
        bot, message.chat.id, int(data["picker"]), text, task_views.note_button(task)
    )


async def ask_note(
    query: CallbackQuery,
    callback_data: TaskCb,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    await tasks.check_task(session, actor, callback_data.task_id)
    if not isinstance(query.message, Message):
        return
    await state.set_state(TaskInput.note)
    await state.update_data(task_id=callback_data.task_id)
    await query.message.answer(_("Write a note for this reminder. /cancel to stop."))


async def note_typed(
    message: Message, session: AsyncSession, actor: Actor, state: FSMContext
) -> None:
    data = await state.get_data()
    try:
        task = await tasks.set_note(session, actor, int(data["task_id"]), message.text or "")
    except DomainError as error:
        if error.code not in RETRYABLE:
            await state.clear()
        raise
    await state.clear()
    await message.answer(_("📝 Note saved: {note}").format(note=escape(task.note)))


async def not_text(message: Message) -> None:
    await message.answer(_("Please send it as text, or /cancel."))


async def done(
    query: CallbackQuery,
    callback_data: TaskCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    callback_answer: CallbackAnswer,
) -> None:
    task = await tasks.complete(session, actor, callback_data.task_id, clock.now())
    callback_answer.text = _("Done.")
    if isinstance(query.message, Message):
        await edit_or_send(query.message, task_views.done_text(task))


async def snooze(
    query: CallbackQuery,
    callback_data: TaskCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    callback_answer: CallbackAnswer,
) -> None:
    now = clock.now()
    until = preset_moment(callback_data.preset, now, settings.zone)
    task = await tasks.snooze(session, actor, callback_data.task_id, until, now)
    callback_answer.text = _("I'll remind you again on {time}.").format(
        time=when(task.due_at, settings.zone, actor.locale)
    )
    if isinstance(query.message, Message):
        await edit_or_send(
            query.message, task_views.snoozed_text(task, settings.zone, actor.locale)
        )


async def tasks_command(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, settings: Settings
) -> None:
    now = clock.now()
    mine = await tasks.mine(session, actor, now)
    await message.answer(
        task_views.task_list(mine, now, settings.zone, actor.locale),
        reply_markup=task_views.task_list_keyboard(mine),
    )


def router() -> Router:
    router = Router(name="tasks")
    router.callback_query.register(remind_menu, RemindCb.filter(F.action == RemindAction.MENU))
    router.callback_query.register(remind_preset, RemindCb.filter(F.action == RemindAction.PRESET))
    router.callback_query.register(remind_typed, RemindCb.filter(F.action == RemindAction.TYPE))
    router.callback_query.register(ask_note, TaskCb.filter(F.action == TaskAction.NOTE))
    router.callback_query.register(done, TaskCb.filter(F.action == TaskAction.DONE))
    router.callback_query.register(snooze, TaskCb.filter(F.action == TaskAction.SNOOZE))
    router.message.register(tasks_command, Command("tasks"), Staff())
    router.message.register(moment_typed, StateFilter(TaskInput.moment), Has("text"), NotCommand())
    router.message.register(note_typed, StateFilter(TaskInput.note), Has("text"), NotCommand())
    for input_state in (TaskInput.moment, TaskInput.note):
        router.message.register(not_text, StateFilter(input_state), NotCommand())
    return router
