"""/assignment for owners: who gets a new request, and the threshold or tag it uses."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.settings import Settings
from handlers.filters import NotCommand
from presentation.assignment import AssignmentAction, AssignmentCb, rule_keyboard, rule_text
from presentation.edits import edit_or_send
from services import assignment_rule
from services.access import Actor
from services.amounts import parse_amount
from services.assignment import Rule
from services.clock import Clock
from services.db.session import AsyncSession


class RuleTyping(StatesGroup):
    threshold = State()
    tag = State()


async def _show(
    message: Message, rule: Rule, actor: Actor, settings: Settings, edit: bool
) -> None:
    text, markup = rule_text(rule, actor.locale, settings.currency), rule_keyboard(rule)
    if edit:
        await edit_or_send(message, text, markup)
    else:
        await message.answer(text, reply_markup=markup)


async def show(
    message: Message, session: AsyncSession, actor: Actor, settings: Settings, state: FSMContext
) -> None:
    rule = await assignment_rule.show(session, actor)
    await state.clear()
    await _show(message, rule, actor, settings, edit=False)


async def choose(
    query: CallbackQuery,
    callback_data: AssignmentCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
) -> None:
    rule = await assignment_rule.set_strategy(session, actor, callback_data.strategy, clock.now())
    if isinstance(query.message, Message):
        await _show(query.message, rule, actor, settings, edit=True)


def _prompt(step: str | None) -> str:
    if step == RuleTyping.threshold.state:
        return _(
            "Send the amount from which requests go to the highest level, like 5000, "
            "or - to clear. /cancel to stop."
        )
    return _("Send the tag to look for, one word like vip, or - to clear. /cancel to stop.")


async def ask(
    query: CallbackQuery,
    callback_data: AssignmentCb,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    await assignment_rule.show(session, actor)
    step = (
        RuleTyping.threshold
        if callback_data.action is AssignmentAction.THRESHOLD
        else RuleTyping.tag
    )
    await state.set_state(step)
    if isinstance(query.message, Message):
        await query.message.answer(_prompt(step.state))


async def typed(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
) -> None:
    text, now = (message.text or "").strip(), clock.now()
    cleared = text == "-"
    if await state.get_state() == RuleTyping.threshold.state:
        amount = None if cleared else parse_amount(text, actor.locale)
        rule = await assignment_rule.set_level_from(session, actor, amount, now)
    else:
        rule = await assignment_rule.set_tag(session, actor, None if cleared else text, now)
    await state.clear()
    await _show(message, rule, actor, settings, edit=False)


def router() -> Router:
    router = Router(name="assignment")
    router.message.register(show, Command("assignment"))
    router.callback_query.register(
        choose, AssignmentCb.filter(F.action == AssignmentAction.CHOOSE)
    )
    router.callback_query.register(ask, AssignmentCb.filter())
    router.message.register(typed, StateFilter(RuleTyping), NotCommand())
    return router
