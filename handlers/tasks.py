"""Reminders and tasks: Remind on a deal card (a preset or a typed moment, then an optional
note), /tasks (and the owner's /tasks team), and the buttons under a due reminder: Done,
Snooze, Open request, ⋯ More."""

from __future__ import annotations

from html import escape

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.settings import Settings
from handlers.filters import Has, NotCommand, Staff
from handlers.payloads import Payload, save
from handlers.presses import Press, on_press
from handlers.words import Words, not_text, on_words
from presentation import tasks as task_views
from presentation.edits import edit_or_send, edit_or_send_at
from presentation.render import when
from presentation.task_lists import task_list, task_list_keyboard, team_list
from presentation.tasks import RemindAction, RemindCb, TaskAction, TaskCb
from services import tasks
from services.access import Actor
from services.clock import Clock
from services.db.session import AsyncSession
from services.errors import ErrorCode
from services.moments import parse_moment

RETRYABLE = frozenset({ErrorCode.MOMENT, ErrorCode.MOMENT_PAST, ErrorCode.EMPTY_TEXT})


class TaskInput(StatesGroup):
    moment = State()
    note = State()


class MomentFor(Payload):
    """TaskInput.moment: the deal to be reminded of, and the picker message, edited into the
    reminder once the moment is typed."""

    deal_id: int
    picker: int


class NoteFor(Payload):
    """TaskInput.note: the reminder the note is for."""

    task_id: int


@on_press
async def remind_menu(press: Press[RemindCb]) -> None:
    deal_id = press.data.deal_id
    await tasks.check_remind(press.session, press.actor, deal_id)
    if press.message is not None:
        await press.message.answer(
            _("When should I remind you about request #{number}?").format(number=deal_id),
            reply_markup=task_views.remind_picker(deal_id),
        )


@on_press
async def remind_preset(press: Press[RemindCb]) -> None:
    due = press.later(press.data.preset)
    task = await tasks.remind(press.session, press.actor, press.data.deal_id, due, press.now)
    text = task_views.reminder_set(task, press.settings.zone, press.actor.locale)
    press.answer.text = text
    await press.show(text, task_views.note_button(task))


@on_press
async def remind_typed(press: Press[RemindCb]) -> None:
    deal_id = press.data.deal_id
    await tasks.check_remind(press.session, press.actor, deal_id)
    if press.message is None:
        return
    await press.state.set_state(TaskInput.moment)
    await save(press.state, MomentFor(deal_id=deal_id, picker=press.message.message_id))
    await edit_or_send(press.message, task_views.typed_prompt(deal_id, press.settings.zone))


@on_words
async def moment_typed(words: Words) -> None:
    zone = words.settings.zone
    async with words.ends_step(RETRYABLE):
        due = parse_moment(words.text, words.now, zone)
        asked = await words.payload(MomentFor)
        task = await tasks.remind(words.session, words.actor, asked.deal_id, due, words.now)
    await edit_or_send_at(
        words.bot,
        words.message.chat.id,
        asked.picker,
        task_views.reminder_set(task, zone, words.actor.locale),
        task_views.note_button(task),
    )


@on_press
async def ask_note(press: Press[TaskCb]) -> None:
    await tasks.check_task(press.session, press.actor, press.data.task_id)
    await press.ask(
        TaskInput.note,
        _("Write a note for this reminder. /cancel to stop."),
        NoteFor(task_id=press.data.task_id),
    )


@on_words
async def note_typed(words: Words) -> None:
    async with words.ends_step(RETRYABLE):
        asked = await words.payload(NoteFor)
        task = await tasks.set_note(words.session, words.actor, asked.task_id, words.text)
    await words.message.answer(_("📝 Note saved: {note}").format(note=escape(task.note)))


@on_press
async def done(press: Press[TaskCb]) -> None:
    task = await tasks.complete(press.session, press.actor, press.data.task_id, press.now)
    press.answer.text = _("Done.")
    await press.show(task_views.done_text(task))


@on_press
async def snooze(press: Press[TaskCb]) -> None:
    zone, locale = press.settings.zone, press.actor.locale
    until = press.later(press.data.preset)
    task = await tasks.snooze(press.session, press.actor, press.data.task_id, until, press.now)
    press.answer.text = _("I'll remind you again on {time}.").format(
        time=when(task.due_at, zone, locale)
    )
    await press.show(task_views.snoozed_text(task, zone, locale))


@on_press
async def more_or_back(press: Press[TaskCb]) -> None:
    """⋯ More shows the other snoozes; ‹ Back the few buttons again."""
    task = await tasks.check_task(press.session, press.actor, press.data.task_id)
    more = press.data.action == TaskAction.MORE
    keyboard = task_views.due_more_keyboard(task) if more else task_views.due_keyboard(task)
    await press.show(task_views.due_text(task), keyboard)


async def tasks_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
) -> None:
    now, zone = clock.now(), settings.zone
    if (command.args or "").strip().lower() == "team":
        everyone = await tasks.team(session, actor, now)
        text = team_list(everyone, now, zone, actor.locale)
        await message.answer(text, reply_markup=task_list_keyboard(everyone))
        return
    mine = await tasks.mine(session, actor, now)
    text = task_list(mine, now, zone, actor.locale, actor.user_id)
    await message.answer(text, reply_markup=task_list_keyboard(mine))


def router() -> Router:
    router = Router(name="tasks")
    router.callback_query.register(remind_menu, RemindCb.filter(F.action == RemindAction.MENU))
    router.callback_query.register(remind_preset, RemindCb.filter(F.action == RemindAction.PRESET))
    router.callback_query.register(remind_typed, RemindCb.filter(F.action == RemindAction.TYPE))
    router.callback_query.register(ask_note, TaskCb.filter(F.action == TaskAction.NOTE))
    router.callback_query.register(done, TaskCb.filter(F.action == TaskAction.DONE))
    router.callback_query.register(snooze, TaskCb.filter(F.action == TaskAction.SNOOZE))
    router.callback_query.register(
        more_or_back, TaskCb.filter(F.action.in_({TaskAction.MORE, TaskAction.BACK}))
    )
    router.message.register(tasks_command, Command("tasks"), Staff())
    router.message.register(moment_typed, StateFilter(TaskInput.moment), Has("text"), NotCommand())
    router.message.register(note_typed, StateFilter(TaskInput.note), Has("text"), NotCommand())
    for input_state in (TaskInput.moment, TaskInput.note):
        router.message.register(not_text, StateFilter(input_state), NotCommand())
    return router
