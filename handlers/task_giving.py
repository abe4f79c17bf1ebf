"""Giving a task: /task or ➕ under /tasks, then what is to be done (typed), who does it (me,
an active manager, the owners) and when it is due (a preset or a typed moment). A button from
an earlier step, or from a task given already, changes nothing."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup, Message

from handlers.filters import Has, NotCommand, Staff
from handlers.payloads import Payload, load, save
from handlers.presses import Press, on_press
from handlers.words import Words, not_text, on_words
from presentation import task_giving as views
from presentation.edits import edit_or_send, edit_or_send_at
from presentation.errors import error_text
from presentation.task_giving import OWNERS, GiveAction, GiveCb
from services import task_giving
from services.access import Actor, require_staff
from services.db.session import AsyncSession
from services.errors import ErrorCode, InvalidInput
from services.moments import parse_moment

RETRYABLE = frozenset({ErrorCode.MOMENT, ErrorCode.MOMENT_PAST})


class GiveTask(StatesGroup):
    what = State()
    who = State()
    when = State()
    moment = State()


class GiveWhat(Payload):
    """GiveTask.who: what is to be done."""

    note: str


class GiveTo(Payload):
    """GiveTask.when and GiveTask.moment: what, to whom (OWNERS: the owners), and the message
    the moment was asked in, edited into the task once given."""

    note: str
    assignee: int
    picker: int = 0


async def _at(state: FSMContext, step: State) -> None:
    """A press belongs to the step the conversation is at, or it is from an old message: then
    it is refused and whatever the conversation is at goes on."""
    if await state.get_state() != step.state:
        raise InvalidInput(ErrorCode.STEP_PASSED)


async def _ask_what(state: FSMContext, actor: Actor) -> str:
    require_staff(actor)
    await state.set_state(GiveTask.what)
    await state.set_data({})
    return views.what_prompt()


async def _ask_who(
    session: AsyncSession, actor: Actor, state: FSMContext, note: str
) -> tuple[str, InlineKeyboardMarkup]:
    mates = await task_giving.teammates(session, actor)
    await state.set_state(GiveTask.who)
    await save(state, GiveWhat(note=note))
    return views.who_prompt(note), views.who_keyboard(actor.user_id, mates)


async def task_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    state: FSMContext,
    actor: Actor,
) -> None:
    """/task alone asks what is to be done; /task and the words go straight on to who."""
    prompt = await _ask_what(state, actor)
    if not (command.args or "").strip():
        await message.answer(prompt)
        return
    try:
        note = task_giving.task_text(command.args or "")
    except InvalidInput as error:
        # Refused, and asked what is to be done: the words may be sent again.
        await message.answer(error_text(error))
        return
    text, markup = await _ask_who(session, actor, state, note)
    await message.answer(text, reply_markup=markup)


@on_press
async def new_task(press: Press[GiveCb]) -> None:
    prompt = await _ask_what(press.state, press.actor)
    if press.message is not None:
        await press.message.answer(prompt)


@on_words
async def what_typed(words: Words) -> None:
    note = task_giving.task_text(words.text)
    text, markup = await _ask_who(words.session, words.actor, words.state, note)
    await words.message.answer(text, reply_markup=markup)


@on_press
async def who_picked(press: Press[GiveCb]) -> None:
    await _at(press.state, GiveTask.who)
    note = (await load(press.state, GiveWhat)).note
    assignee = press.data.arg
    await task_giving.check_assignee(
        press.session, press.actor, None if assignee == OWNERS else assignee
    )
    await press.state.set_state(GiveTask.when)
    await save(press.state, GiveTo(note=note, assignee=assignee))
    await press.show(views.when_prompt(note), views.when_keyboard())


@on_press
async def preset_picked(press: Press[GiveCb]) -> None:
    await _at(press.state, GiveTask.when)
    to = await load(press.state, GiveTo)
    due = press.later(press.data.preset)
    try:
        task = await task_giving.give(
            press.session, press.actor, to.note, _assignee(to), due, press.now
        )
    except InvalidInput as error:
        if error.code != ErrorCode.NOT_IN_TEAM:
            raise
        # Deactivated since chosen: chosen again, the task as typed.
        press.answer.text, press.answer.show_alert = error_text(error), True
        await press.show(*await _ask_who(press.session, press.actor, press.state, to.note))
        return
    await press.state.clear()
    zone, locale = press.settings.zone, press.actor.locale
    await press.show(views.given_text(task, press.actor.user_id, zone, locale))


@on_press
async def type_picked(press: Press[GiveCb]) -> None:
    await _at(press.state, GiveTask.when)
    to = await load(press.state, GiveTo)
    if press.message is None:
        return
    await press.state.set_state(GiveTask.moment)
    await save(press.state, to.model_copy(update={"picker": press.message.message_id}))
    await edit_or_send(press.message, views.typed_prompt(press.settings.zone))


@on_words
async def moment_typed(words: Words) -> None:
    zone, locale = words.settings.zone, words.actor.locale
    to = await words.payload(GiveTo)
    try:
        async with words.ends_step(RETRYABLE):
            due = parse_moment(words.text, words.now, zone)
            task = await task_giving.give(
                words.session, words.actor, to.note, _assignee(to), due, words.now
            )
    except InvalidInput as error:
        if error.code != ErrorCode.NOT_IN_TEAM:
            raise
        text, markup = await _ask_who(words.session, words.actor, words.state, to.note)
        await words.message.answer(f"{error_text(error)}\n\n{text}", reply_markup=markup)
        return
    await edit_or_send_at(
        words.bot,
        words.message.chat.id,
        to.picker,
        views.given_text(task, words.actor.user_id, zone, locale),
        None,
    )


def _assignee(to: GiveTo) -> int | None:
    return None if to.assignee == OWNERS else to.assignee


def router() -> Router:
    router = Router(name="task_giving")
    router.message.register(task_command, Command("task"), Staff())
    router.callback_query.register(new_task, GiveCb.filter(F.action == GiveAction.NEW))
    router.callback_query.register(who_picked, GiveCb.filter(F.action == GiveAction.WHO))
    router.callback_query.register(preset_picked, GiveCb.filter(F.action == GiveAction.PRESET))
    router.callback_query.register(type_picked, GiveCb.filter(F.action == GiveAction.TYPE))
    router.message.register(what_typed, StateFilter(GiveTask.what), Has("text"), NotCommand())
    router.message.register(moment_typed, StateFilter(GiveTask.moment), Has("text"), NotCommand())
    for input_state in (GiveTask.what, GiveTask.moment):
        router.message.register(not_text, StateFilter(input_state), NotCommand())
    return router
