"""Giving a task: /task or ➕ under /tasks, then what is to be done (typed), who does it (me,
an active manager, the owners) and when it is due (a preset or a typed moment). A button from
an earlier step, or from a task given already, changes nothing."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message

from handlers.filters import Has, NotCommand, Staff
from handlers.payloads import Payload, StepExpired, load, save
from handlers.presses import Press, on_press
from handlers.words import Words, not_text, on_words
from presentation import task_giving as views
from presentation.edits import edit_or_send, edit_or_send_at
from presentation.task_giving import OWNERS, GiveAction, GiveCb
from services import task_giving
from services.access import Actor, require_staff
from services.errors import ErrorCode
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
    """A press belongs to the step the conversation is at, or it is from an old message."""
    if await state.get_state() != step.state:
        raise StepExpired()


async def _ask_what(state: FSMContext, actor: Actor) -> str:
    require_staff(actor)
    await state.set_state(GiveTask.what)
    await state.set_data({})
    return views.what_prompt()


async def task_command(message: Message, state: FSMContext, actor: Actor) -> None:
    await message.answer(await _ask_what(state, actor))


@on_press
async def new_task(press: Press[GiveCb]) -> None:
    prompt = await _ask_what(press.state, press.actor)
    if press.message is not None:
        await press.message.answer(prompt)


@on_words
async def what_typed(words: Words) -> None:
    note = task_giving.task_text(words.text)
    mates = await task_giving.teammates(words.session, words.actor)
    await words.state.set_state(GiveTask.who)
    await save(words.state, GiveWhat(note=note))
    await words.message.answer(
        views.who_prompt(note), reply_markup=views.who_keyboard(words.actor.user_id, mates)
    )


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
    task = await task_giving.give(
        press.session, press.actor, to.note, _assignee(to), due, press.now
    )
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
    async with words.ends_step(RETRYABLE):
        due = parse_moment(words.text, words.now, zone)
        to = await words.payload(GiveTo)
        task = await task_giving.give(
            words.session, words.actor, to.note, _assignee(to), due, words.now
        )
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
