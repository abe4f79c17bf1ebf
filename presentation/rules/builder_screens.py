"""Each step of the rule builder as one message: the rule so far in words, then the question
and its buttons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Any

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from babel.numbers import format_decimal

from presentation.fields import example
from presentation.keyboards import LANGUAGES
from presentation.rules import builder as kb
from presentation.rules import builder_words as words
from presentation.rules.builder import Step
from presentation.rules.describe import action_text, condition_text, rule_text, trigger_text
from services.field_kinds import CHOICE, YES_NO
from services.rules import drafting as d
from services.rules import model as m
from services.rules.offer import Offer
from services.rules.placeholders import FIELD, NAMES


@dataclass(frozen=True)
class Sketch:
    """The rule as far as it is built, and the condition or action being built (`part`)."""

    step: Step
    when: Mapping[str, Any]
    conditions: Sequence[Mapping[str, Any]]
    actions: Sequence[Mapping[str, Any]]
    part: Mapping[str, Any]
    name: str = ""

    def stored(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "enabled": True,
            "when": dict(self.when),
            "if": [dict(c) for c in self.conditions],
            "then": [dict(a) for a in self.actions],
        }


Screen = tuple[str, InlineKeyboardMarkup]


def screen(sketch: Sketch, offer: Offer, locale: str, currency: str) -> Screen:
    if sketch.step == Step.REVIEW:
        spec = m.parse_rule(sketch.stored(), allow_private_urls=True)
        text = rule_text(spec, offer.lookup, locale, currency)
        ask = _("Save this rule? It starts working at once.")
        return f"{text}\n\n{ask}", kb.review()
    question, markup = _question(sketch, offer, locale, currency)
    return "\n".join([*_so_far(sketch, offer, locale, currency), "", question]), markup


def _so_far(sketch: Sketch, offer: Offer, locale: str, currency: str) -> list[str]:
    lines = [words.title()]
    if sketch.step in kb.TRIGGER_STEPS:
        return lines
    trigger = m.parse_trigger(sketch.when)
    lines.append(
        _("When: {trigger}").format(trigger=trigger_text(trigger, offer.lookup, locale, currency))
    )
    if sketch.conditions:
        lines.append(_("If all of these hold:"))
    for n, raw in enumerate(sketch.conditions, 1):
        condition = m.parse_condition(raw, f"if.{n}")
        lines.append(f"{n}. {condition_text(condition, offer.lookup, locale, currency)}")
    if sketch.actions:
        lines.append(_("Then:"))
    for n, raw in enumerate(sketch.actions, 1):
        action = m.parse_action(raw, f"then.{n}", allow_private_urls=True)
        lines.append(f"{n}. {action_text(action, offer.lookup, locale, currency)}")
    return lines


def _question(sketch: Sketch, offer: Offer, locale: str, currency: str) -> Screen:
    step, when, part = sketch.step, sketch.when, sketch.part
    if step == Step.TRIGGER:
        return _("When should the rule act?"), kb.triggers()
    if step == Step.SOURCES:
        return (
            _("Requests from which sources? Tap one or more, then Next; or tap Any source."),
            kb.sources(list(when.get("sources", []))),
        )
    if step == Step.STAGE:
        return _("Which stage?"), kb.stages(offer, locale)
    if step == Step.FIELD:
        crossed = when.get("event") == m.CROSSED
        question = _("Which number?") if crossed else _("Which field?")
        return question, kb.fields(offer, locale, numbers_only=crossed, amount=True)
    if step == Step.CROSS_VALUE:
        return (
            _("Send the value it must reach, like {example}.").format(
                example=_example_number(locale)
            ),
            kb.typing(),
        )
    if step == Step.MINUTES and when.get("event") == m.TASK_OVERDUE:
        return (
            _("How long overdue? Send minutes like 30 or hours like 2h, or tap At once."),
            kb.skip(words.at_once()),
        )
    if step == Step.MINUTES:
        return (
            _(
                "How long may a new request wait for an answer? Send working minutes like 15 "
                "or hours like 2h."
            ),
            kb.typing(),
        )
    if step == Step.DAYS:
        return _("After how many days without changes? Send a number like 3."), kb.typing()
    if step == Step.DATE_OF:
        return _("Which date?"), kb.date_fields(offer, locale)
    if step == Step.DATE_SIDE:
        return _("Before the date, on the day, or after it?"), kb.sides()
    if step == Step.DATE_SHIFT:
        return _("How long? Send days like 30, or hours like 12h."), kb.typing()
    if step == Step.REPEAT:
        return _("Only once, or again and again?"), kb.repeats()
    if step == Step.REPEAT_EVERY:
        if part.get("every") == "months":
            return _("Every how many months? Send a number like 6."), kb.typing()
        return _("Every how many days? Send a number like 90."), kb.typing()
    if step in (Step.CONDITIONS, Step.FACT, Step.OPERATOR, Step.FACT_VALUE):
        return _condition_question(sketch, offer, locale)
    return _action_question(sketch, offer, locale, currency)


def _condition_question(sketch: Sketch, offer: Offer, locale: str) -> Screen:
    step, part = sketch.step, sketch.part
    if step == Step.CONDITIONS:
        return (
            _(
                "Conditions: the rule acts only when all of them hold. Add one, or tap Next "
                "to go on to the actions."
            ),
            kb.parts(len(sketch.conditions), _("➕ Add a condition"), ready=True),
        )
    if step == Step.FACT:
        return _("What should the condition look at?"), kb.facts(offer, locale)
    fact = str(part.get("fact"))
    if step == Step.OPERATOR:
        return _("How should it compare?"), kb.operators(d.operators(fact, offer))
    kind = d.fact_kind(fact, offer)
    if kind in (d.PICKED, d.HOURS):
        return _("Which value?"), kb.fact_values(fact, offer, locale)
    if fact == m.RATING:
        question = _("Send the rating, a whole number from 1 to 5.")
    elif kind == d.NUMERIC:
        question = _("Send the number, like {example}.").format(example=_example_number(locale))
    elif fact == m.TAG:
        question = _("Send the tag, one word like vip.")
    elif (field := d.fact_field(fact, offer)) is not None and field.kind == "date":
        question = _("Send the date, like 31.12.2026.")
    else:
        question = _("Send the words to compare with.")
    return question, kb.typing()


def _action_question(sketch: Sketch, offer: Offer, locale: str, currency: str) -> Screen:
    step, part = sketch.step, sketch.part
    if step == Step.ACTIONS:
        return (
            _("Actions, done in order. Add at least one, then tap Next."),
            kb.parts(len(sketch.actions), _("➕ Add an action"), ready=bool(sketch.actions)),
        )
    if step == Step.ACTION:
        return _("What should the rule do?"), kb.actions()
    if step == Step.ASSIGNEE:
        return _("Give the deal to whom?"), kb.people(d.GIVE_TO, offer, strategies=True)
    if step == Step.MOVE_STAGE:
        return _("Move the deal to which stage?"), kb.stages(offer, locale)
    if step == Step.TASK_TO:
        return _("A task for whom?"), kb.people(d.TASK_FOR, offer)
    if step == Step.TASK_AFTER:
        return (
            _("When is the task due? Send minutes like 30 or hours like 2h, or tap Due at once."),
            kb.skip(words.due_at_once()),
        )
    if step == Step.TASK_TIME:
        return _("Count that in working time or in calendar time?"), kb.task_times()
    if step == Step.TASK_NOTE:
        return _("Send the task's note, or tap No note."), kb.skip(words.no_note())
    if step == Step.MESSAGE_TO:
        return _("Send a message to whom?"), kb.people(d.MESSAGE_FOR, offer)
    if step == Step.MESSAGE_TEXT:
        return _message_question(offer, locale), kb.typing()
    if step == Step.SET_FIELD:
        return _("Which field?"), kb.fields(offer, locale, numbers_only=False, amount=False)
    if step == Step.FIELD_VALUE:
        return _field_value_question(part, offer, locale, currency)
    if step == Step.TAG:
        if part.get("remove"):
            return _("Send the tag to remove, one word like vip."), kb.typing()
        return _("Send the tag to add, one word like vip."), kb.typing()
    if step == Step.URL:
        return (
            _("Send the address to post the deal to, like https://example.com/hook."),
            kb.typing(),
        )
    if step == Step.DISCOUNT:
        return (
            _(
                "Send the discount on the whole request: a percent like 5%, or an amount like "
                "50. A request without items is left as it is."
            ),
            kb.typing(),
        )
    return (
        _("Last step: send the rule's name, like Big orders to senior managers."),
        kb.typing(),
    )


def _message_question(offer: Offer, locale: str) -> str:
    names = [f"{{{name}}}" for name in NAMES] + [f"{{{FIELD}{f.key}}}" for f in offer.fields]
    return _(
        "Send the message in {language}. These words are replaced by the request's own: "
        "{placeholders}."
    ).format(language=LANGUAGES[locale], placeholders=escape(" ".join(names)))


def _field_value_question(
    part: Mapping[str, Any], offer: Offer, locale: str, currency: str
) -> Screen:
    field = offer.field_by_key(str(part.get("field")))
    if field is None or field.kind in (YES_NO, CHOICE):
        return _("Which value? Or clear the field."), kb.field_value_of(field, locale)
    return (
        _("Send the value, like {example}; or tap Clear the field.").format(
            example=escape(example(field, locale, currency))
        ),
        kb.field_value_of(field, locale),
    )


def _example_number(locale: str) -> str:
    return str(format_decimal(Decimal("1500.50"), format="#,##0.00", locale=locale))


def saved_text(sketch: Sketch, offer: Offer, locale: str, currency: str) -> str:
    spec = m.parse_rule(sketch.stored(), allow_private_urls=True)
    return f"{words.saved()}\n\n{rule_text(spec, offer.lookup, locale, currency)}"
