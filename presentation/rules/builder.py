"""The rule builder's steps, its button data and its keyboards. A button carries what it picks
(an index into a list the builder offers, or a stage's, person's or field's id); which part of
the rule it fills is the step the owner is at."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from presentation.callbacks import Number
from presentation.field_values import field_name
from presentation.render import source_name, stage_name
from presentation.rules import builder_words as words
from services.assignment import STRATEGIES
from services.field_kinds import CHOICE, DATE, MONEY, NUMBER, YES_NO, FieldView
from services.rules import drafting as d
from services.rules import model as m
from services.rules.offer import Offer


class Step(StrEnum):
    TRIGGER = "trigger"
    SOURCES = "sources"
    STAGE = "stage"
    FIELD = "field"
    CROSS_VALUE = "cross_value"
    MINUTES = "minutes"
    DAYS = "days"
    DATE_OF = "date_of"
    DATE_SIDE = "date_side"
    DATE_SHIFT = "date_shift"
    REPEAT = "repeat"
    REPEAT_EVERY = "repeat_every"
    CONDITIONS = "conditions"
    FACT = "fact"
    OPERATOR = "operator"
    FACT_VALUE = "fact_value"
    ACTIONS = "actions"
    ACTION = "action"
    ASSIGNEE = "assignee"
    MOVE_STAGE = "move_stage"
    TASK_TO = "task_to"
    TASK_AFTER = "task_after"
    TASK_TIME = "task_time"
    TASK_NOTE = "task_note"
    MESSAGE_TO = "message_to"
    MESSAGE_TEXT = "message_text"
    SET_FIELD = "set_field"
    FIELD_VALUE = "field_value"
    TAG = "tag"
    URL = "url"
    DISCOUNT = "discount"
    NAME = "name"
    REVIEW = "review"


# Steps that say the trigger so far is not yet whole.
TRIGGER_STEPS = frozenset(
    {
        Step.TRIGGER,
        Step.SOURCES,
        Step.STAGE,
        Step.FIELD,
        Step.CROSS_VALUE,
        Step.MINUTES,
        Step.DAYS,
        Step.DATE_OF,
        Step.DATE_SIDE,
        Step.DATE_SHIFT,
        Step.REPEAT,
        Step.REPEAT_EVERY,
    }
)


class BuildAction(StrEnum):
    TRIGGER = "t"
    SOURCE = "s"
    ANY = "a"
    STAGE = "g"
    FIELD = "f"
    FROM = "o"
    SIDE = "d"
    REPEAT = "r"
    ADD = "p"
    REMOVE = "m"
    NEXT = "n"
    FACT = "c"
    OP = "q"
    VALUE = "v"
    ACTION = "x"
    STRATEGY = "y"
    WHO = "w"
    PERSON = "u"
    TIME = "k"
    SKIP = "z"
    SAVE = "ok"
    RESTART = "re"
    CANCEL = "no"


class BuildCb(CallbackData, prefix="rb"):
    """`arg`: an index into what the step offers, or a stage's, person's or field's id."""

    action: BuildAction
    arg: Number = 0


# Sides of a date: before it, on the day, after it.
BEFORE, ON_THE_DAY, AFTER = 0, 1, 2
# Repeats of a date trigger: none, every N days, every N months.
ONCE, EVERY_DAYS, EVERY_MONTHS = 0, 1, 2


def _button(text: str, action: BuildAction, arg: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=BuildCb(action=action, arg=arg).pack())


def _cancel() -> list[InlineKeyboardButton]:
    return [_button(_("✖ Cancel"), BuildAction.CANCEL)]


def _markup(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[*rows, _cancel()])


def _pairs(buttons: list[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def triggers() -> InlineKeyboardMarkup:
    names = words.trigger_kinds()
    return _markup(
        [[_button(names[kind], BuildAction.TRIGGER, i)] for i, kind in enumerate(m.TRIGGERS)]
    )


def sources(chosen: list[str]) -> InlineKeyboardMarkup:
    rows = _pairs(
        [
            _button(("✓ " if s in chosen else "") + source_name(s), BuildAction.SOURCE, i)
            for i, s in enumerate(d.SOURCES)
        ]
    )
    rows.append([_button(_("Any source"), BuildAction.ANY), _next()])
    return _markup(rows)


def _next() -> InlineKeyboardButton:
    return _button(_("Next ➡️"), BuildAction.NEXT)


def stages(offer: Offer, locale: str) -> InlineKeyboardMarkup:
    return _markup(
        _pairs(
            [_button(stage_name(s.names, locale), BuildAction.STAGE, s.id) for s in offer.stages]
        )
    )


def fields(offer: Offer, locale: str, numbers_only: bool, amount: bool) -> InlineKeyboardMarkup:
    buttons = [_button(words.amount_name(), BuildAction.FIELD, 0)] if amount else []
    buttons += [
        _button(field_name(f, locale), BuildAction.FIELD, f.field_id)
        for f in offer.fields
        if not numbers_only or f.kind in (NUMBER, MONEY)
    ]
    return _markup(_pairs(buttons))


def date_fields(offer: Offer, locale: str) -> InlineKeyboardMarkup:
    named = words.date_from()
    rows = [[_button(named[of], BuildAction.FROM, i)] for i, of in enumerate(d.DATE_FROM)]
    rows += [
        [_button(field_name(f, locale), BuildAction.FIELD, f.field_id)]
        for f in offer.fields
        if f.kind == DATE
    ]
    return _markup(rows)


def sides() -> InlineKeyboardMarkup:
    return _markup(
        [
            [
                _button(_("Before"), BuildAction.SIDE, BEFORE),
                _button(_("On the day"), BuildAction.SIDE, ON_THE_DAY),
                _button(_("After"), BuildAction.SIDE, AFTER),
            ]
        ]
    )


def repeats() -> InlineKeyboardMarkup:
    return _markup(
        [
            [_button(_("Only once"), BuildAction.REPEAT, ONCE)],
            [_button(_("🔁 Every N days"), BuildAction.REPEAT, EVERY_DAYS)],
            [_button(_("🔁 Every N months"), BuildAction.REPEAT, EVERY_MONTHS)],
        ]
    )


def skip(label: str) -> InlineKeyboardMarkup:
    return _markup([[_button(label, BuildAction.SKIP)]])


def typing() -> InlineKeyboardMarkup:
    return _markup([])


def parts(count: int, add: str, ready: bool) -> InlineKeyboardMarkup:
    """The conditions or actions so far: add one, remove one, or go on."""
    rows = [[_button(add, BuildAction.ADD)]]
    removes = [_button(f"✖ {n}", BuildAction.REMOVE, n - 1) for n in range(1, count + 1)]
    rows += [removes[i : i + 4] for i in range(0, len(removes), 4)]
    if ready:
        rows.append([_next()])
    return _markup(rows)


def facts(offer: Offer, locale: str) -> InlineKeyboardMarkup:
    names = words.fact_names()
    buttons = [_button(names[fact], BuildAction.FACT, i) for i, fact in enumerate(m.FACTS)]
    buttons += [
        _button(field_name(f, locale), BuildAction.FIELD, f.field_id) for f in offer.fields
    ]
    return _markup(_pairs(buttons))


def operators(offered: tuple[str, ...]) -> InlineKeyboardMarkup:
    names = words.operator_names()
    return _markup(
        _pairs([_button(names[op], BuildAction.OP, m.OPERATORS.index(op)) for op in offered])
    )


def fact_values(fact: str, offer: Offer, locale: str) -> InlineKeyboardMarkup:
    """The values of a fact picked on buttons."""
    field = d.fact_field(fact, offer)
    if fact == m.SOURCE:
        buttons = [_button(source_name(s), BuildAction.VALUE, i) for i, s in enumerate(d.SOURCES)]
    elif fact == m.LANGUAGE:
        names = words.languages()
        buttons = [_button(names[c], BuildAction.VALUE, i) for i, c in enumerate(d.LANGUAGES)]
    elif fact == m.STAGE:
        buttons = [
            _button(stage_name(s.names, locale), BuildAction.VALUE, s.id) for s in offer.stages
        ]
    elif fact == m.MANAGER:
        buttons = [_button(p.name, BuildAction.VALUE, p.user_id) for p in offer.people]
    elif fact == m.WORKING_HOURS:
        buttons = [
            _button(_("Within working hours"), BuildAction.VALUE, 1),
            _button(_("Outside working hours"), BuildAction.VALUE, 0),
        ]
    else:
        buttons = field_values(field, locale) if field is not None else []
    return _markup(_pairs(buttons))


def field_values(field: FieldView, locale: str) -> list[InlineKeyboardButton]:
    """A yes/no or choice field's values; none for a field whose value is typed."""
    if field.kind == YES_NO:
        return [_button(_("yes"), BuildAction.VALUE, 1), _button(_("no"), BuildAction.VALUE, 0)]
    choices = field.choices if field.kind == CHOICE else ()
    return [
        _button(stage_name(c.names, locale), BuildAction.VALUE, i) for i, c in enumerate(choices)
    ]


def field_value_of(field: FieldView | None, locale: str) -> InlineKeyboardMarkup:
    """The value a field is set to: picked or typed, or the field cleared."""
    rows = _pairs(field_values(field, locale)) if field is not None else []
    rows.append([_button(_("✖ Clear the field"), BuildAction.SKIP)])
    return _markup(rows)


def actions() -> InlineKeyboardMarkup:
    names = words.action_kinds()
    return _markup(
        _pairs(
            [
                _button(names[kind], BuildAction.ACTION, i)
                for i, kind in enumerate(d.OFFERED_ACTIONS)
            ]
        )
    )


def people(named: tuple[str, ...], offer: Offer, strategies: bool = False) -> InlineKeyboardMarkup:
    """Whom an action is for: ways to choose a manager, named roles, then each person."""
    rows = []
    if strategies:
        rows += [
            [_button(words.strategy(s), BuildAction.STRATEGY, i)] for i, s in enumerate(STRATEGIES)
        ]
    roles = words.roles()
    rows += [[_button(roles[who], BuildAction.WHO, i)] for i, who in enumerate(named)]
    rows += _pairs([_button(p.name, BuildAction.PERSON, p.user_id) for p in offer.people])
    return _markup(rows)


def task_times() -> InlineKeyboardMarkup:
    return _markup(
        [
            [_button(_("🕘 Working time"), BuildAction.TIME, 1)],
            [_button(_("📆 Calendar time"), BuildAction.TIME, 0)],
        ]
    )


def review() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(_("✅ Save"), BuildAction.SAVE)],
            [
                _button(_("✏️ Start over"), BuildAction.RESTART),
                _button(_("✖ Cancel"), BuildAction.CANCEL),
            ],
        ]
    )
