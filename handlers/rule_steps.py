"""The rule builder's steps: what a button or a typed answer does to the rule being built,
and which step comes next. The draft is the conversation's payload; each part is checked by
the rule's own parser once it is whole, so a bad answer leaves the draft as it was."""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field

from handlers.payloads import Payload
from presentation.rules.builder import (
    AFTER,
    BEFORE,
    EVERY_DAYS,
    EVERY_MONTHS,
    ON_THE_DAY,
    ONCE,
    BuildAction,
    Step,
)
from presentation.rules.builder_screens import Sketch
from services.assignment import STRATEGIES
from services.discounts import parse_off
from services.errors import ErrorCode, InvalidInput
from services.field_kinds import MONEY, NUMBER, from_button, from_text, to_json
from services.rules import drafting as d
from services.rules import model as m
from services.rules.invalid import RuleInvalid
from services.rules.offer import Offer
from services.rules.placeholders import unknown
from services.spans import DAY, HOUR, MINUTE, parse_minutes
from services.totals import PERCENT

_WHOLE = re.compile(r"^\d{1,4}$")


class WrongStep(Exception):
    """A button of another step than the one the owner is at (an earlier message's)."""


class RuleDraft(Payload):
    """RuleBuilding.drafting: the step, the rule so far in stored form, and the condition or
    action being built."""

    step: Step
    when: dict[str, Any] = Field(default_factory=dict)
    conditions: list[dict[str, Any]] = Field(default_factory=list)
    actions: list[dict[str, Any]] = Field(default_factory=list)
    part: dict[str, Any] = Field(default_factory=dict)
    name: str = ""

    def sketch(self) -> Sketch:
        return Sketch(self.step, self.when, self.conditions, self.actions, self.part, self.name)

    def at(self, step: Step, **changes: Any) -> RuleDraft:
        return self.model_copy(update={"step": step, **changes})


TYPED = frozenset(
    {
        Step.CROSS_VALUE,
        Step.MINUTES,
        Step.DAYS,
        Step.DATE_SHIFT,
        Step.REPEAT_EVERY,
        Step.FACT_VALUE,
        Step.TASK_AFTER,
        Step.TASK_NOTE,
        Step.MESSAGE_TEXT,
        Step.FIELD_VALUE,
        Step.TAG,
        Step.URL,
        Step.DISCOUNT,
        Step.NAME,
    }
)


def pressed(draft: RuleDraft, action: BuildAction, arg: int, offer: Offer) -> RuleDraft:
    step = draft.step
    if step in _TRIGGER_PRESSES:
        return _TRIGGER_PRESSES[step](draft, action, arg, offer)
    if step in (Step.CONDITIONS, Step.ACTIONS):
        return _list_press(draft, action, arg)
    if step in (Step.FACT, Step.OPERATOR, Step.FACT_VALUE):
        return _condition_press(draft, action, arg, offer)
    return _action_press(draft, action, arg, offer)


def typed(
    draft: RuleDraft, text: str, offer: Offer, locale: str, allow_private: bool
) -> RuleDraft:
    """The answer typed at a step that asks for one (callers check `TYPED`); a webhook may
    name a private address only when `allow_private` (the RULE_WEBHOOKS_PRIVATE setting)."""
    step, when, part = draft.step, draft.when, draft.part
    if step == Step.CROSS_VALUE:
        return _trigger_done(
            draft, {**when, "value": d.number(text, when["field"], offer, locale)}
        )
    if step == Step.MINUTES:
        return _trigger_done(draft, {**when, "minutes": parse_minutes(text, MINUTE)})
    if step == Step.DAYS:
        return _trigger_done(draft, {**when, "days": _in_units(text, DAY, DAY) // DAY})
    if step == Step.DATE_SHIFT:
        hours = _in_units(text, DAY, HOUR) // HOUR * (-1 if part["side"] == BEFORE else 1)
        shifted = {**when, "days": int(hours / 24), "hours": hours - int(hours / 24) * 24}
        m.parse_trigger(shifted)
        return draft.at(Step.REPEAT, when=shifted, part={})
    if step == Step.REPEAT_EVERY:
        if not _WHOLE.match(text.strip()):
            raise InvalidInput(ErrorCode.INVALID_INPUT)
        return _trigger_done(draft, {**when, f"every_{part['every']}": int(text.strip())})
    if step == Step.FACT_VALUE:
        if d.fact_kind(part["fact"], offer) in (d.PICKED, d.HOURS):
            raise WrongStep()
        return _condition_done(
            draft, {**part, "value": d.typed(part["fact"], text, offer, locale)}
        )
    if step == Step.TASK_AFTER:
        return draft.at(
            Step.TASK_TIME, part={**part, "after_minutes": parse_minutes(text, MINUTE)}
        )
    if step == Step.TASK_NOTE:
        return _action_done(draft, {**part, "note": text.strip()})
    if step == Step.MESSAGE_TEXT:
        where = f"then.{len(draft.actions) + 1}.text.{locale}"
        if unknown(text, [f.key for f in offer.fields]):
            raise RuleInvalid(where, "placeholder")
        return _action_done(draft, {**part, "text": {locale: text.strip()}})
    if step == Step.FIELD_VALUE:
        field = offer.field_by_key(part["field"])
        if field is None:
            raise WrongStep()
        return _action_done(
            draft, {**part, "value": to_json(field, from_text(field, text, locale))}
        )
    if step == Step.TAG:
        return _action_done(draft, {**part, "tag": text})
    if step == Step.URL:
        return _action_done(draft, {**part, "url": text}, allow_private)
    if step == Step.DISCOUNT:
        off = parse_off(text, locale)
        given = m.PERCENT if off.kind == PERCENT else m.AMOUNT
        return _action_done(draft, {**part, given: str(off.value)})
    named = draft.model_copy(update={"name": text})
    m.parse_rule(named.sketch().stored(), allow_private)
    return named.at(Step.REVIEW)


def _in_units(text: str, bare: int, unit: int) -> int:
    """A span typed in minutes that must be a whole number of `unit`s."""
    minutes = parse_minutes(text, bare)
    if minutes % unit:
        raise InvalidInput(ErrorCode.INVALID_INPUT)
    return minutes


# The trigger.


def _trigger_kind(draft: RuleDraft, action: BuildAction, arg: int, offer: Offer) -> RuleDraft:
    _expect(action, BuildAction.TRIGGER, arg < len(m.TRIGGERS))
    kind = m.TRIGGERS[arg]
    when: dict[str, Any] = {"event": kind}
    following = {
        m.CREATED: Step.SOURCES,
        m.STAGE_ENTERED: Step.STAGE,
        m.STAGE_LEFT: Step.STAGE,
        m.FIELD_CHANGED: Step.FIELD,
        m.CROSSED: Step.FIELD,
        m.NO_RESPONSE: Step.MINUTES,
        m.TASK_OVERDUE: Step.MINUTES,
        m.IDLE: Step.DAYS,
        m.DATE: Step.DATE_OF,
    }
    if kind == m.CREATED:
        when["sources"] = []
    if kind not in following:
        return _trigger_done(draft, when)
    return draft.at(following[kind], when=when, part={})


def _sources(draft: RuleDraft, action: BuildAction, arg: int, offer: Offer) -> RuleDraft:
    chosen = list(draft.when.get("sources", []))
    if action == BuildAction.ANY:
        return _trigger_done(draft, {**draft.when, "sources": []})
    if action == BuildAction.NEXT:
        return _trigger_done(draft, draft.when)
    _expect(action, BuildAction.SOURCE, arg < len(d.SOURCES))
    source = d.SOURCES[arg]
    chosen = [s for s in chosen if s != source] if source in chosen else [*chosen, source]
    ordered = [s for s in d.SOURCES if s in chosen]
    return draft.at(Step.SOURCES, when={**draft.when, "sources": ordered})


def _stage(draft: RuleDraft, action: BuildAction, arg: int, offer: Offer) -> RuleDraft:
    _expect(action, BuildAction.STAGE, offer.stage(arg) is not None)
    return _trigger_done(draft, {**draft.when, "stage": arg})


def _field(draft: RuleDraft, action: BuildAction, arg: int, offer: Offer) -> RuleDraft:
    crossed = draft.when.get("event") == m.CROSSED
    field = offer.field(arg)
    fits = arg == 0 or (field is not None and (not crossed or field.kind in (NUMBER, MONEY)))
    _expect(action, BuildAction.FIELD, fits)
    when = {**draft.when, "field": field.key if field is not None else m.AMOUNT}
    return draft.at(Step.CROSS_VALUE, when=when) if crossed else _trigger_done(draft, when)


def _at_once(draft: RuleDraft, action: BuildAction, arg: int, offer: Offer) -> RuleDraft:
    _expect(action, BuildAction.SKIP, draft.when.get("event") == m.TASK_OVERDUE)
    return _trigger_done(draft, {**draft.when, "minutes": 0})


def _date_of(draft: RuleDraft, action: BuildAction, arg: int, offer: Offer) -> RuleDraft:
    if action == BuildAction.FROM and arg < len(d.DATE_FROM):
        of = d.DATE_FROM[arg]
    else:
        field = offer.field(arg)
        _expect(action, BuildAction.FIELD, field is not None and field.kind == "date")
        of = m.FIELD_PREFIX + field.key if field is not None else ""
    return draft.at(Step.DATE_SIDE, when={**draft.when, "of": of})


def _side(draft: RuleDraft, action: BuildAction, arg: int, offer: Offer) -> RuleDraft:
    _expect(action, BuildAction.SIDE, arg in (BEFORE, ON_THE_DAY, AFTER))
    if arg == ON_THE_DAY:
        return draft.at(Step.REPEAT, when={**draft.when, "days": 0, "hours": 0})
    return draft.at(Step.DATE_SHIFT, part={"side": arg})


def _repeat(draft: RuleDraft, action: BuildAction, arg: int, offer: Offer) -> RuleDraft:
    _expect(action, BuildAction.REPEAT, arg in (ONCE, EVERY_DAYS, EVERY_MONTHS))
    if arg == ONCE:
        return _trigger_done(draft, draft.when)
    every = "days" if arg == EVERY_DAYS else "months"
    return draft.at(Step.REPEAT_EVERY, part={"every": every})


def _trigger_done(draft: RuleDraft, when: dict[str, Any]) -> RuleDraft:
    trigger = m.parse_trigger(when)
    return draft.at(Step.CONDITIONS, when={"event": trigger.kind, **trigger.params}, part={})


_TRIGGER_PRESSES = {
    Step.TRIGGER: _trigger_kind,
    Step.SOURCES: _sources,
    Step.STAGE: _stage,
    Step.FIELD: _field,
    Step.MINUTES: _at_once,
    Step.DATE_OF: _date_of,
    Step.DATE_SIDE: _side,
    Step.REPEAT: _repeat,
}


# Conditions and actions.


def _list_press(draft: RuleDraft, action: BuildAction, arg: int) -> RuleDraft:
    conditions = draft.step == Step.CONDITIONS
    items = draft.conditions if conditions else draft.actions
    if action == BuildAction.ADD:
        return draft.at(Step.FACT if conditions else Step.ACTION, part={})
    if action == BuildAction.REMOVE and arg < len(items):
        kept = [item for index, item in enumerate(items) if index != arg]
        return draft.at(draft.step, **{"conditions" if conditions else "actions": kept})
    _expect(action, BuildAction.NEXT, conditions or bool(items))
    return draft.at(Step.ACTIONS if conditions else Step.NAME, part={})


def _condition_press(draft: RuleDraft, action: BuildAction, arg: int, offer: Offer) -> RuleDraft:
    part = draft.part
    if draft.step == Step.FACT:
        if action == BuildAction.FACT and arg < len(m.FACTS):
            fact = m.FACTS[arg]
        else:
            field = offer.field(arg)
            _expect(action, BuildAction.FIELD, field is not None)
            fact = m.FIELD_PREFIX + field.key if field is not None else ""
        if fact == m.WORKING_HOURS:
            return draft.at(Step.FACT_VALUE, part={"fact": fact, "op": m.EQ})
        return draft.at(Step.OPERATOR, part={"fact": fact})
    fact = part["fact"]
    if draft.step == Step.OPERATOR:
        offered = d.operators(fact, offer)
        _expect(action, BuildAction.OP, arg < len(m.OPERATORS) and m.OPERATORS[arg] in offered)
        op = m.OPERATORS[arg]
        if op in (m.EMPTY, m.FILLED):
            return _condition_done(draft, {"fact": fact, "op": op})
        return draft.at(Step.FACT_VALUE, part={**part, "op": op})
    _expect(action, BuildAction.VALUE, d.fact_kind(fact, offer) in (d.PICKED, d.HOURS))
    return _condition_done(draft, {**part, "value": d.picked(fact, arg, offer)})


def _condition_done(draft: RuleDraft, part: dict[str, Any]) -> RuleDraft:
    condition = m.parse_condition(part, f"if.{len(draft.conditions) + 1}")
    stored = {"fact": condition.fact, "op": condition.op, "value": condition.value}
    return draft.at(Step.CONDITIONS, conditions=[*draft.conditions, stored], part={})


def _action_press(draft: RuleDraft, action: BuildAction, arg: int, offer: Offer) -> RuleDraft:
    step, part = draft.step, draft.part
    if step == Step.ACTION:
        _expect(action, BuildAction.ACTION, arg < len(d.OFFERED_ACTIONS))
        started = d.action_start(d.OFFERED_ACTIONS[arg])
        following = {
            m.ASSIGN: Step.ASSIGNEE,
            m.MOVE: Step.MOVE_STAGE,
            m.TASK: Step.TASK_TO,
            m.MESSAGE: Step.MESSAGE_TO,
            m.SET_FIELD: Step.SET_FIELD,
            m.SET_TAG: Step.TAG,
            m.WEBHOOK: Step.URL,
            m.DISCOUNT: Step.DISCOUNT,
        }
        return draft.at(following[started["do"]], part=started)
    if step == Step.ASSIGNEE:
        if action == BuildAction.STRATEGY and arg < len(STRATEGIES):
            return _action_done(draft, {**part, "strategy": STRATEGIES[arg]})
        return _action_done(draft, {**part, **_whom(action, arg, d.GIVE_TO, offer, "user")})
    if step == Step.MOVE_STAGE:
        _expect(action, BuildAction.STAGE, offer.stage(arg) is not None)
        return _action_done(draft, {**part, "stage": arg})
    if step in (Step.TASK_TO, Step.MESSAGE_TO):
        task = step == Step.TASK_TO
        whom = _whom(action, arg, d.TASK_FOR if task else d.MESSAGE_FOR, offer, "to")
        return draft.at(Step.TASK_AFTER if task else Step.MESSAGE_TEXT, part={**part, **whom})
    if step == Step.TASK_AFTER:
        _expect(action, BuildAction.SKIP, True)
        return draft.at(Step.TASK_NOTE, part={**part, "after_minutes": 0, "working": False})
    if step == Step.TASK_TIME:
        _expect(action, BuildAction.TIME, arg in (0, 1))
        return draft.at(Step.TASK_NOTE, part={**part, "working": bool(arg)})
    if step == Step.TASK_NOTE:
        _expect(action, BuildAction.SKIP, True)
        return _action_done(draft, {**part, "note": ""})
    if step == Step.SET_FIELD:
        field = offer.field(arg)
        _expect(action, BuildAction.FIELD, field is not None)
        return draft.at(Step.FIELD_VALUE, part={**part, "field": field.key if field else ""})
    if step == Step.FIELD_VALUE:
        field = offer.field_by_key(part["field"])
        if action == BuildAction.SKIP:
            return _action_done(draft, {**part, "value": None})
        _expect(action, BuildAction.VALUE, field is not None)
        if field is None:
            raise WrongStep()
        return _action_done(draft, {**part, "value": to_json(field, from_button(field, arg))})
    raise WrongStep()


def _whom(
    action: BuildAction, arg: int, named: tuple[str, ...], offer: Offer, key: str
) -> dict[str, Any]:
    """A named role (the responsible manager, the owners…), or a person by id."""
    if action == BuildAction.WHO and arg < len(named):
        return {"to": named[arg]}
    _expect(action, BuildAction.PERSON, offer.person(arg) is not None)
    return {key: arg}


def _action_done(draft: RuleDraft, part: dict[str, Any], allow_private: bool = False) -> RuleDraft:
    where = f"then.{len(draft.actions) + 1}"
    action = m.parse_action(part, where, allow_private)
    stored = {"do": action.kind, **action.params}
    return draft.at(Step.ACTIONS, actions=[*draft.actions, stored], part={})


def _expect(action: BuildAction, wanted: BuildAction, fits: bool) -> None:
    """A button of this step, pointing at something offered. Another step's button is stale;
    this step's button with a value it never offered is refused as a wrong value."""
    if action != wanted:
        raise WrongStep()
    if not fits:
        raise InvalidInput(ErrorCode.FIELD_CHOICE)
