"""/newrule and ✏️ From scratch in /rules: the owner builds a rule step by step (when → if →
then → its name), choices on buttons and values typed, then sees it in words and saves it.
The rule so far is the conversation's payload (handlers/rule_steps.py); nothing is written
until ✅ Save, and /cancel leaves it."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message

from bot.settings import Settings
from handlers.filters import Has, NotCommand
from handlers.payloads import load, save
from handlers.presses import Press, on_press
from handlers.rule_steps import TYPED, RuleDraft, WrongStep, pressed, typed
from handlers.words import Words, not_text, on_words
from presentation.errors import error_text
from presentation.rules import builder_words as words
from presentation.rules.builder import BuildAction, BuildCb, Step
from presentation.rules.builder_screens import saved_text, screen
from presentation.rules.callbacks import RulesAction, RulesCb
from presentation.rules.describe import invalid_text
from services.access import Actor
from services.db.session import AsyncSession
from services.errors import InvalidInput
from services.rules import manage
from services.rules.invalid import RuleInvalid
from services.rules.offer import offer


class RuleBuilding(StatesGroup):
    drafting = State()


async def new_rule(
    message: Message, session: AsyncSession, actor: Actor, settings: Settings, state: FSMContext
) -> None:
    found = await offer(session, actor)
    draft = RuleDraft(step=Step.TRIGGER)
    await _keep(state, draft)
    text, markup = screen(draft.sketch(), found, actor.locale, settings.currency)
    await message.answer(text, reply_markup=markup)


@on_press
async def from_scratch(press: Press[RulesCb]) -> None:
    found = await offer(press.session, press.actor)
    draft = RuleDraft(step=Step.TRIGGER)
    await _keep(press.state, draft)
    await press.show(*screen(draft.sketch(), found, press.actor.locale, press.settings.currency))


async def _keep(state: FSMContext, draft: RuleDraft) -> None:
    await state.set_state(RuleBuilding.drafting)
    await save(state, draft)


@on_press
async def step_pressed(press: Press[BuildCb]) -> None:
    found = await offer(press.session, press.actor)
    if await press.state.get_state() != RuleBuilding.drafting.state:
        _refuse(press, words.closed())
        return
    draft = await load(press.state, RuleDraft)
    action, locale, currency = press.data.action, press.actor.locale, press.settings.currency
    if action == BuildAction.CANCEL:
        await press.state.clear()
        await press.show(words.cancelled())
        return
    if action in (BuildAction.SAVE, BuildAction.RESTART) and draft.step != Step.REVIEW:
        _refuse(press, words.wrong_step())
        return
    if action == BuildAction.RESTART:
        draft = RuleDraft(step=Step.TRIGGER)
    elif action == BuildAction.SAVE:
        await _save(press, draft)
        return
    else:
        try:
            draft = pressed(draft, action, press.data.arg, found)
        except WrongStep:
            _refuse(press, words.wrong_step())
            return
        except RuleInvalid as error:
            _refuse(press, invalid_text(error.where, error.problem))
            return
    await save(press.state, draft)
    await press.show(*screen(draft.sketch(), found, locale, currency))


def _refuse(press: Press[BuildCb], text: str) -> None:
    press.answer.text = text
    press.answer.show_alert = True


async def _save(press: Press[BuildCb], draft: RuleDraft) -> None:
    session, actor, settings = press.session, press.actor, press.settings
    try:
        await manage.create(
            session, actor, draft.sketch().stored(), press.now, settings.rule_webhooks_private
        )
    except RuleInvalid as error:
        found = await offer(session, actor)
        text, markup = screen(draft.sketch(), found, actor.locale, settings.currency)
        problem = f"{words.not_saved()} {invalid_text(error.where, error.problem)}"
        await press.show(f"{problem}\n\n{text}", markup)
        return
    await press.state.clear()
    found = await offer(session, actor)
    await press.show(saved_text(draft.sketch(), found, actor.locale, settings.currency))


@on_words
async def step_typed(said: Words) -> None:
    found = await offer(said.session, said.actor)
    draft = await said.payload(RuleDraft)
    locale, currency = said.actor.locale, said.settings.currency
    if draft.step not in TYPED:
        problem = words.use_buttons()
    else:
        try:
            private = said.settings.rule_webhooks_private
            draft = typed(draft, said.text, found, locale, private)
        except WrongStep:
            problem = words.use_buttons()
        except RuleInvalid as error:
            problem = invalid_text(error.where, error.problem)
        except InvalidInput as error:
            problem = error_text(error)
        else:
            await save(said.state, draft)
            text, markup = screen(draft.sketch(), found, locale, currency)
            await said.message.answer(text, reply_markup=markup)
            return
    text, markup = screen(draft.sketch(), found, locale, currency)
    await said.message.answer(f"{problem}\n\n{text}", reply_markup=markup)


def router() -> Router:
    router = Router(name="rule_builder")
    router.message.register(new_rule, Command("newrule"))
    router.callback_query.register(from_scratch, RulesCb.filter(F.action == RulesAction.BUILD))
    router.callback_query.register(step_pressed, BuildCb.filter())
    drafting = StateFilter(RuleBuilding.drafting)
    router.message.register(step_typed, drafting, Has("text"), NotCommand())
    router.message.register(not_text, drafting, NotCommand())
    return router
