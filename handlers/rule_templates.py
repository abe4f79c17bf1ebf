"""➕ From a template: the owner picks a ready rule, answers its questions (choices on buttons,
numbers and texts typed), sees the rule in words, may try it on the past, and saves it. The
answers wait in the conversation's payload; /cancel leaves."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from pydantic import Field

from handlers.filters import Has, NotCommand
from handlers.payloads import Payload, load, save
from handlers.presses import Press, on_press
from handlers.rules import listing
from handlers.words import Words, not_text, on_words
from presentation.rules.callbacks import RulesAction, RulesCb
from presentation.rules.describe import invalid_text, rule_text
from presentation.rules.templates import (
    TemplateAction,
    TemplateCb,
    back_to_confirm,
    confirm_keyboard,
    confirm_text,
    placeholder_error,
    question_keyboard,
    question_text,
    suggested,
    template_names,
    templates_keyboard,
    templates_text,
    whole_error,
)
from presentation.rules.views import card_keyboard, card_text, past_text
from services import stages
from services.access import Actor, require_owner
from services.db.session import AsyncSession
from services.errors import Conflict, ErrorCode, InvalidInput
from services.field_views import definitions
from services.rules import manage, past
from services.rules import templates as t
from services.rules.invalid import RuleInvalid
from services.rules.model import RuleSpec


class RuleTemplate(StatesGroup):
    answering = State()


class TemplateDraft(Payload):
    """RuleTemplate.answering: the template and the answers so far, in the order asked."""

    template: str
    answers: dict[str, int | str | dict[str, str]] = Field(default_factory=dict)

    def answered(self, key: str, answer: t.Answer) -> TemplateDraft:
        return self.model_copy(update={"answers": {**self.answers, key: answer}})


@on_press
async def template_button(press: Press[RulesCb]) -> None:
    require_owner(press.actor)
    if press.data.action == RulesAction.TEMPLATES:
        await press.show(templates_text(), templates_keyboard())
        return
    template = t.template_at(press.data.arg)
    draft = TemplateDraft(template=template.key)
    await press.state.set_state(RuleTemplate.answering)
    await save(press.state, draft)
    await press.show(*await _next(press.session, press.actor, draft, press.settings.currency))


async def _next(
    session: AsyncSession, actor: Actor, draft: TemplateDraft, currency: str
) -> tuple[str, InlineKeyboardMarkup]:
    """The next question, or the rule to confirm once every one is answered."""
    template = t.by_key(draft.template)
    step = len(draft.answers)
    if step < len(template.questions):
        found = await stages.overview(session, actor)
        return (
            question_text(template, step, actor.locale),
            question_keyboard(template, step, found, actor.locale),
        )
    spec = await _spec(session, draft)
    lookup = await manage.lookup(session)
    return confirm_text(rule_text(spec, lookup, actor.locale, currency)), confirm_keyboard()


def _stored(draft: TemplateDraft) -> dict[str, Any]:
    template = t.by_key(draft.template)
    if len(draft.answers) < len(template.questions):
        raise Conflict()
    return template.stored(template_names()[template.key], draft.answers)


async def _spec(session: AsyncSession, draft: TemplateDraft) -> RuleSpec:
    return await manage.checked(session, _stored(draft))


def _question(draft: TemplateDraft, step: int) -> tuple[t.Template, t.Question]:
    """The question now asked; Conflict for a press on one answered already (or not yet)."""
    template = t.by_key(draft.template)
    current = len(draft.answers)
    if current >= len(template.questions) or step != current:
        raise Conflict()
    return template, template.questions[current]


@on_press
async def answer_button(press: Press[TemplateCb]) -> None:
    """A choice picked, or the suggested text taken."""
    require_owner(press.actor)
    cb = press.data
    draft = await load(press.state, TemplateDraft)
    template, question = _question(draft, cb.step)
    answer: t.Answer
    if cb.action == TemplateAction.SUGGESTED and question.kind in (t.TEXT, t.NOTE):
        answer = suggested(template, question, press.actor.locale)
    elif cb.action == TemplateAction.PICK and question.kind == t.STAGE:
        found = await stages.overview(press.session, press.actor)
        if cb.arg not in {stage.id for stage in found}:
            raise InvalidInput(ErrorCode.FIELD_CHOICE)
        answer = cb.arg
    elif cb.action == TemplateAction.PICK and question.kind == t.SOURCE:
        if cb.arg >= len(t.SOURCES):
            raise InvalidInput(ErrorCode.FIELD_CHOICE)
        answer = t.SOURCES[cb.arg]
    else:
        raise InvalidInput(ErrorCode.FIELD_CHOICE)
    await _take(press, draft.answered(question.key, answer))


async def _take(press: Press[TemplateCb], draft: TemplateDraft) -> None:
    try:
        shown = await _next(press.session, press.actor, draft, press.settings.currency)
    except RuleInvalid as error:
        await press.state.clear()
        press.answer.text = invalid_text(error.where, error.problem)
        press.answer.show_alert = True
        return
    await save(press.state, draft)
    await press.show(*shown)


@on_words
async def answer_typed(words: Words) -> None:
    draft = await words.payload(TemplateDraft)
    questions = t.by_key(draft.template).questions
    step = len(draft.answers)
    if step >= len(questions) or questions[step].kind in t.CHOICES:
        raise InvalidInput(ErrorCode.FIELD_CHOICE)
    question = questions[step]
    keys = [field.key for field in await definitions(words.session)]
    try:
        answer = t.typed_answer(question, words.text, words.actor.locale, keys)
    except t.WholeRejected as error:
        await words.message.answer(whole_error(error.low, error.high))
        return
    except t.PlaceholderRejected as error:
        await words.message.answer(placeholder_error(error.names))
        return
    draft = draft.answered(question.key, answer)
    try:
        text, markup = await _next(words.session, words.actor, draft, words.settings.currency)
    except RuleInvalid as error:
        await words.state.clear()
        await words.message.answer(invalid_text(error.where, error.problem))
        return
    await save(words.state, draft)
    await words.message.answer(text, reply_markup=markup)


@on_press
async def draft_button(press: Press[TemplateCb]) -> None:
    """The rule shown whole: save it, try it on the past, go back to it, or leave."""
    require_owner(press.actor)
    cb, session, actor = press.data, press.session, press.actor
    if cb.action == TemplateAction.CANCEL:
        await press.state.clear()
        press.answer.text = _("Nothing was saved.")
        await press.show(*await listing(session, actor, 0, press.reader, press.settings))
        return
    draft = await load(press.state, TemplateDraft)
    if cb.action == TemplateAction.SUMMARY:
        await press.show(*await _next(session, actor, draft, press.settings.currency))
        return
    if cb.action == TemplateAction.TRY:
        spec = await _spec(session, draft)
        lookup = await manage.lookup(session)
        found_past = await past.try_on_past(session, actor, spec, press.now)
        text = past_text(spec.name, spec.actions, found_past, lookup, press.reader)
        await press.show(text, back_to_confirm())
        return
    rule = await manage.create(session, actor, _stored(draft), press.now, template=draft.template)
    await press.state.clear()
    press.answer.text = _("Rule saved and switched on.")
    lookup = await manage.lookup(session)
    await press.show(card_text(rule, lookup, press.reader), card_keyboard(rule))


def router() -> Router:
    router = Router(name="rule_templates")
    router.callback_query.register(
        template_button,
        RulesCb.filter(F.action.in_({RulesAction.TEMPLATES, RulesAction.TEMPLATE})),
    )
    router.callback_query.register(
        answer_button,
        TemplateCb.filter(F.action.in_({TemplateAction.PICK, TemplateAction.SUGGESTED})),
    )
    router.callback_query.register(draft_button, TemplateCb.filter())
    step = StateFilter(RuleTemplate.answering)
    router.message.register(answer_typed, step, Has("text"), NotCommand())
    router.message.register(not_text, step, NotCommand())
    return router
