"""Giving a task: /task or ➕ under /tasks, then what is to be done (typed), who does it (me,
an active manager, the owners) and when it is due (a preset or a typed moment); 📌 Task on a
deal card the same for a task on that deal (who: me, its manager, the owners). A button from
an earlier step, or from a task given already, changes nothing."""

from __future__ import annotations

from datetime import datetime

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
from services.errors import DomainError, ErrorCode, InvalidInput
from services.moments import parse_moment
from services.tasks import TaskView

RETRYABLE = frozenset({ErrorCode.MOMENT, ErrorCode.MOMENT_PAST})


class GiveTask(StatesGroup):
    what = State()
    who = State()
    when = State()
    moment = State()


class GiveOn(Payload):
    """GiveTask.what: the deal the task is on (None: on none)."""

    deal_id: int | None = None


class GiveWhat(GiveOn):
    """GiveTask.who: what is to be done."""

    note: str


class GiveTo(GiveWhat):
    """GiveTask.when and GiveTask.moment: what, to whom (OWNERS: the owners), and the message
    the moment was asked in, edited into the task once given."""

    assignee: int
    picker: int = 0


# Refusals of the one picked: who does it is asked again, the task as typed.
PICK_AGAIN = frozenset({ErrorCode.NOT_IN_TEAM, ErrorCode.NOT_ON_DEAL})
# The request refused meanwhile (handed to someone else, closed as lost), or the giver no
# longer in the team: no task is given, and the steps are over.
OFF_DEAL = frozenset({ErrorCode.ACCESS_DENIED, ErrorCode.NOT_FOUND, ErrorCode.DEAL_CLOSED})


async def _at(state: FSMContext, step: State) -> None:
    """A press belongs to the step the conversation is at, or it is from an old message: then
    it is refused and whatever the conversation is at goes on."""
    if await state.get_state() != step.state:
        raise InvalidInput(ErrorCode.STEP_PASSED)


async def _ended(state: FSMContext, error: DomainError) -> str:
    """The refusal, once the steps are ended by it; any other goes on up as it is. Answered
    here and not raised: undoing the update would undo the steps' end too, and what is typed
    next would be taken for the task again."""
    if error.code not in OFF_DEAL:
        raise error
    await state.clear()
    return error_text(error)


async def _ask_what(state: FSMContext, actor: Actor, deal_id: int | None = None) -> str:
    require_staff(actor)
    await state.set_state(GiveTask.what)
    await save(state, GiveOn(deal_id=deal_id))
    return views.what_prompt(deal_id)


async def _ask_who(
    session: AsyncSession, actor: Actor, state: FSMContext, what: GiveWhat
) -> tuple[str, InlineKeyboardMarkup]:
    mates = await task_giving.teammates(session, actor, what.deal_id)
    await state.set_state(GiveTask.who)
    await save(state, GiveWhat(note=what.note, deal_id=what.deal_id))
    return views.who_prompt(what.note, what.deal_id), views.who_keyboard(actor.user_id, mates)


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
    text, markup = await _ask_who(session, actor, state, GiveWhat(note=note))
    await message.answer(text, reply_markup=markup)


@on_press
async def new_task(press: Press[GiveCb]) -> None:
    prompt = await _ask_what(press.state, press.actor)
    if press.message is not None:
        await press.message.answer(prompt)


@on_press
async def deal_task(press: Press[GiveCb]) -> None:
    """📌 Task on a deal card; pressed again while what is to be done is asked, it is not asked
    twice."""
    deal_id = press.data.arg
    await task_giving.check_deal(press.session, press.actor, deal_id)
    asked = await press.state.get_state() == GiveTask.what.state
    if asked and (await load(press.state, GiveOn)).deal_id == deal_id:
        press.answer.text = views.what_prompt(deal_id)
        return
    prompt = await _ask_what(press.state, press.actor, deal_id)
    if press.message is not None:
        await press.message.answer(prompt)


@on_words
async def what_typed(words: Words) -> None:
    on = await words.payload(GiveOn)
    what = GiveWhat(note=task_giving.task_text(words.text), deal_id=on.deal_id)
    try:
        text, markup = await _ask_who(words.session, words.actor, words.state, what)
    except DomainError as error:
        await words.message.answer(await _ended(words.state, error))
        return
    await words.message.answer(text, reply_markup=markup)


@on_press
async def who_picked(press: Press[GiveCb]) -> None:
    await _at(press.state, GiveTask.who)
    what = await load(press.state, GiveWhat)
    assignee = press.data.arg
    try:
        await task_giving.check_assignee(
            press.session, press.actor, None if assignee == OWNERS else assignee, what.deal_id
        )
    except DomainError as error:
        press.answer.text, press.answer.show_alert = await _ended(press.state, error), True
        return
    await press.state.set_state(GiveTask.when)
    await save(press.state, GiveTo(note=what.note, deal_id=what.deal_id, assignee=assignee))
    await press.show(views.when_prompt(what.note, what.deal_id), views.when_keyboard())


@on_press
async def preset_picked(press: Press[GiveCb]) -> None:
    await _at(press.state, GiveTask.when)
    to = await load(press.state, GiveTo)
    due = press.later(press.data.preset)
    try:
        task = await _give(press.session, press.actor, to, due, press.now)
    except DomainError as error:
        if error.code not in PICK_AGAIN:
            press.answer.text, press.answer.show_alert = await _ended(press.state, error), True
            return
        # Deactivated, or off the deal, since chosen: chosen again, the task as typed.
        press.answer.text, press.answer.show_alert = error_text(error), True
        await press.show(*await _ask_who(press.session, press.actor, press.state, to))
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
            task = await _give(words.session, words.actor, to, due, words.now)
    except DomainError as error:
        if error.code in OFF_DEAL:
            await words.message.answer(await _ended(words.state, error))
            return
        if error.code not in PICK_AGAIN:
            raise
        text, markup = await _ask_who(words.session, words.actor, words.state, to)
        await words.message.answer(f"{error_text(error)}\n\n{text}", reply_markup=markup)
        return
    await edit_or_send_at(
        words.bot,
        words.message.chat.id,
        to.picker,
        views.given_text(task, words.actor.user_id, zone, locale),
        None,
    )


async def _give(
    session: AsyncSession, actor: Actor, to: GiveTo, due: datetime, now: datetime
) -> TaskView:
    assignee = None if to.assignee == OWNERS else to.assignee
    return await task_giving.give(session, actor, to.note, assignee, due, now, to.deal_id)


def router() -> Router:
    router = Router(name="task_giving")
    router.message.register(task_command, Command("task"), Staff())
    router.callback_query.register(new_task, GiveCb.filter(F.action == GiveAction.NEW))
    router.callback_query.register(deal_task, GiveCb.filter(F.action == GiveAction.DEAL))
    router.callback_query.register(who_picked, GiveCb.filter(F.action == GiveAction.WHO))
    router.callback_query.register(preset_picked, GiveCb.filter(F.action == GiveAction.PRESET))
    router.callback_query.register(type_picked, GiveCb.filter(F.action == GiveAction.TYPE))
    router.message.register(what_typed, StateFilter(GiveTask.what), Has("text"), NotCommand())
    router.message.register(moment_typed, StateFilter(GiveTask.moment), Has("text"), NotCommand())
    for input_state in (GiveTask.what, GiveTask.moment):
        router.message.register(not_text, StateFilter(input_state), NotCommand())
    return router
