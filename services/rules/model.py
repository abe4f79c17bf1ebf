"""A rule's parts in their stored (and file) form, parsed and checked. Stages and people are
named by id, fields by their key; a problem is reported with where it is and what it is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from services.rules.invalid import RuleInvalid
from services.rules.values import (
    KEY,
    SECRET,
    check_url,
    mapping_at,
    number_at,
    off_at,
    person_at,
    scalar_at,
    sequence_at,
    tag_at,
    text_at,
    texts_at,
    whole_at,
    word_at,
)

# Triggers.
CREATED, STAGE_ENTERED, STAGE_LEFT = "created", "stage_entered", "stage_left"
FIELD_CHANGED, CROSSED, CUSTOMER_WROTE = "field_changed", "crossed", "customer_wrote"
NO_RESPONSE, TASK_OVERDUE, IDLE, DATE = "no_response", "task_overdue", "idle", "date"
RULE_ACTED = "rule_acted"
QUOTE_ACCEPTED, PAYMENT_RECEIVED = "quote_accepted", "payment_received"
RATED = "rated"
TRIGGERS = (
    CREATED,
    STAGE_ENTERED,
    STAGE_LEFT,
    FIELD_CHANGED,
    CROSSED,
    CUSTOMER_WROTE,
    NO_RESPONSE,
    TASK_OVERDUE,
    IDLE,
    DATE,
    RULE_ACTED,
    QUOTE_ACCEPTED,
    PAYMENT_RECEIVED,
    RATED,
)
# Fired by the sweep when their moment comes rather than by a change.
TIMED = frozenset({NO_RESPONSE, TASK_OVERDUE, IDLE, DATE})
# What a date trigger counts from.
WON, CONTRACT_END = "won", "contract_end"
AMOUNT = "amount"
FIELD_PREFIX = "field:"

# Conditions: a fact of the deal compared with a value.
SOURCE, STAGE, MANAGER, LANGUAGE, WORKING_HOURS, TAG = (
    "source",
    "stage",
    "manager",
    "language",
    "working_hours",
    "tag",
)
# The customer's rating of the deal, 1 to 5; empty until they rate it.
RATING = "rating"
FACTS = (SOURCE, STAGE, AMOUNT, MANAGER, LANGUAGE, WORKING_HOURS, TAG, RATING)
EQ, NE, GT, GE, LT, LE, IN, NOT_IN, EMPTY, FILLED = (
    "eq",
    "ne",
    "gt",
    "ge",
    "lt",
    "le",
    "in",
    "not_in",
    "empty",
    "filled",
)
COMPARING = (GT, GE, LT, LE)
OPERATORS = (EQ, NE, GT, GE, LT, LE, IN, NOT_IN, EMPTY, FILLED)

# Actions.
ASSIGN, MOVE, TASK, MESSAGE, SET_FIELD, SET_TAG, WEBHOOK, DISCOUNT = (
    "assign",
    "move",
    "task",
    "message",
    "set_field",
    "tag",
    "webhook",
    "discount",
)
ACTIONS = (ASSIGN, MOVE, TASK, MESSAGE, SET_FIELD, SET_TAG, WEBHOOK, DISCOUNT)
# A discount on the whole deal: a percent of it, or an amount of money (`AMOUNT`), as a
# decimal string.
PERCENT = "percent"
MAX_PERCENT = Decimal(100)
MAX_OFF = Decimal(10) ** 12
# Who a task or message is for; anything else is a person's id.
RESPONSIBLE, OWNERS, CUSTOMER = "manager", "owners", "customer"
# Assign to the next manager in turn after the current one.
NEXT = "next"

NAME_LENGTH = 80
MAX_MINUTES = 60 * 24 * 366
MAX_DAYS = 3660


@dataclass(frozen=True)
class Trigger:
    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)


@dataclass(frozen=True)
class Condition:
    fact: str
    op: str
    value: Any = None


@dataclass(frozen=True)
class Action:
    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)


@dataclass(frozen=True)
class RuleSpec:
    name: str
    trigger: Trigger
    conditions: tuple[Condition, ...]
    actions: tuple[Action, ...]
    enabled: bool = True

    def stored(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "enabled": self.enabled,
            "when": {"event": self.trigger.kind, **self.trigger.params},
            "if": [{"fact": c.fact, "op": c.op, "value": c.value} for c in self.conditions],
            "then": [{"do": a.kind, **a.params} for a in self.actions],
        }


def parse_rule(data: object, allow_private_urls: bool = False) -> RuleSpec:
    raw = mapping_at(data, "rule")
    name = raw.get("name")
    if not isinstance(name, str) or not " ".join(name.split()):
        raise RuleInvalid("name", "missing")
    name = " ".join(name.split())
    if len(name) > NAME_LENGTH:
        raise RuleInvalid("name", "too_long")
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise RuleInvalid("enabled", "not_yes_no")
    trigger = parse_trigger(raw.get("when"))
    conditions = tuple(
        parse_condition(item, f"if.{index + 1}")
        for index, item in enumerate(sequence_at(raw.get("if", []), "if"))
    )
    actions = tuple(
        parse_action(item, f"then.{index + 1}", allow_private_urls)
        for index, item in enumerate(sequence_at(raw.get("then"), "then"))
    )
    if not actions:
        raise RuleInvalid("then", "missing")
    return RuleSpec(name, trigger, conditions, actions, enabled)


def parse_trigger(data: object) -> Trigger:
    raw = dict(mapping_at(data, "when"))
    kind = raw.pop("event", None)
    if kind not in TRIGGERS:
        raise RuleInvalid("when.event", "unknown")
    params: dict[str, Any] = {}
    where = "when"
    if kind == CREATED:
        params["sources"] = [
            word_at(item, f"{where}.sources")
            for item in sequence_at(raw.pop("sources", []), where)
        ]
    elif kind in (STAGE_ENTERED, STAGE_LEFT):
        params["stage"] = whole_at(raw.pop("stage", None), f"{where}.stage", 1, 2**31)
    elif kind in (FIELD_CHANGED, CROSSED):
        params["field"] = field_name(raw.pop("field", None), f"{where}.field")
        if kind == CROSSED:
            params["value"] = str(number_at(raw.pop("value", None), f"{where}.value"))
    elif kind == NO_RESPONSE:
        params["minutes"] = whole_at(raw.pop("minutes", None), f"{where}.minutes", 1, MAX_MINUTES)
    elif kind == IDLE:
        params["days"] = whole_at(raw.pop("days", None), f"{where}.days", 1, MAX_DAYS)
    elif kind == TASK_OVERDUE:
        params["minutes"] = whole_at(raw.pop("minutes", 0), f"{where}.minutes", 0, MAX_MINUTES)
    elif kind == DATE:
        params.update(_date_params(raw, where))
    elif kind == RULE_ACTED and "rule" in raw:
        params["rule"] = whole_at(raw.pop("rule"), f"{where}.rule", 1, 2**31)
    if raw:
        raise RuleInvalid(f"{where}.{sorted(raw)[0]}", "unknown")
    return Trigger(kind, params)


def _date_params(raw: dict[str, Any], where: str) -> dict[str, Any]:
    of = raw.pop("of", None)
    if of not in (WON, CONTRACT_END) and not (
        isinstance(of, str) and of.startswith(FIELD_PREFIX) and KEY.match(of[len(FIELD_PREFIX) :])
    ):
        raise RuleInvalid(f"{where}.of", "unknown")
    params: dict[str, Any] = {
        "of": of,
        "days": whole_at(raw.pop("days", 0), f"{where}.days", -MAX_DAYS, MAX_DAYS),
        "hours": whole_at(raw.pop("hours", 0), f"{where}.hours", -23, 23),
    }
    for unit in ("every_days", "every_months"):
        if unit in raw:
            params[unit] = whole_at(
                raw.pop(unit), f"{where}.{unit}", 1, 120 if "months" in unit else MAX_DAYS
            )
    if "every_days" in params and "every_months" in params:
        raise RuleInvalid(f"{where}.every_months", "conflict")
    return params


def parse_condition(data: object, where: str) -> Condition:
    raw = dict(mapping_at(data, where))
    fact = raw.pop("fact", None)
    if not (fact in FACTS or (isinstance(fact, str) and fact.startswith(FIELD_PREFIX))):
        raise RuleInvalid(f"{where}.fact", "unknown")
    if fact.startswith(FIELD_PREFIX):
        field_name(fact[len(FIELD_PREFIX) :], f"{where}.fact")
    op = raw.pop("op", EQ)
    if op not in OPERATORS:
        raise RuleInvalid(f"{where}.op", "unknown")
    value = raw.pop("value", None)
    if raw:
        raise RuleInvalid(f"{where}.{sorted(raw)[0]}", "unknown")
    if op in (EMPTY, FILLED):
        return Condition(fact, op)
    if fact == WORKING_HOURS:
        if op not in (EQ, NE) or not isinstance(value, bool):
            raise RuleInvalid(f"{where}.value", "not_yes_no")
        return Condition(fact, op, value)
    if op in (IN, NOT_IN):
        items = [
            scalar_at(item, f"{where}.value") for item in sequence_at(value, f"{where}.value")
        ]
        if not items:
            raise RuleInvalid(f"{where}.value", "missing")
        return Condition(fact, op, items)
    if op in COMPARING:
        return Condition(fact, op, str(number_at(value, f"{where}.value")))
    return Condition(fact, op, scalar_at(value, f"{where}.value"))


def parse_action(data: object, where: str, allow_private_urls: bool = False) -> Action:
    raw = dict(mapping_at(data, where))
    kind = raw.pop("do", None)
    if kind not in ACTIONS:
        raise RuleInvalid(f"{where}.do", "unknown")
    params: dict[str, Any] = {}
    if kind == ASSIGN:
        params.update(_assignee(raw, where))
    elif kind == MOVE:
        params["stage"] = whole_at(raw.pop("stage", None), f"{where}.stage", 1, 2**31)
    elif kind == TASK:
        params["to"] = person_at(raw.pop("to", RESPONSIBLE), f"{where}.to", (RESPONSIBLE, OWNERS))
        params["after_minutes"] = whole_at(
            raw.pop("after_minutes", 0), f"{where}.after_minutes", 0, MAX_MINUTES
        )
        working = raw.pop("working", False)
        if not isinstance(working, bool):
            raise RuleInvalid(f"{where}.working", "not_yes_no")
        params["working"] = working
        params["note"] = text_at(raw.pop("note", ""), f"{where}.note", allow_empty=True)
    elif kind == MESSAGE:
        params["to"] = person_at(
            raw.pop("to", None), f"{where}.to", (CUSTOMER, RESPONSIBLE, OWNERS)
        )
        params["text"] = texts_at(raw.pop("text", None), f"{where}.text")
    elif kind == SET_FIELD:
        params["field"] = field_name(raw.pop("field", None), f"{where}.field")
        value = raw.pop("value", None)
        params["value"] = None if value is None else scalar_at(value, f"{where}.value")
    elif kind == SET_TAG:
        params["tag"] = tag_at(raw.pop("tag", None), f"{where}.tag")
        remove = raw.pop("remove", False)
        if not isinstance(remove, bool):
            raise RuleInvalid(f"{where}.remove", "not_yes_no")
        params["remove"] = remove
    elif kind == WEBHOOK:
        params["url"] = check_url(raw.pop("url", None), f"{where}.url", allow_private_urls)
        if "secret" in raw:
            secret = raw.pop("secret")
            if not isinstance(secret, str) or not SECRET.match(secret):
                raise RuleInvalid(f"{where}.secret", "secret")
            params["secret"] = secret
    elif kind == DISCOUNT:
        params.update(_off(raw, where))
    if raw:
        raise RuleInvalid(f"{where}.{sorted(raw)[0]}", "unknown")
    return Action(kind, params)


def _off(raw: dict[str, Any], where: str) -> dict[str, str]:
    """A percent (more than 0, at most 100) or an amount (more than 0, at most 10¹²), never
    both; two decimal places at most."""
    given = [kind for kind in (PERCENT, AMOUNT) if kind in raw]
    if not given:
        raise RuleInvalid(f"{where}.{PERCENT}", "missing")
    if len(given) > 1:
        raise RuleInvalid(f"{where}.{AMOUNT}", "one_discount")
    [kind] = given
    high = MAX_PERCENT if kind == PERCENT else MAX_OFF
    return {kind: off_at(raw.pop(kind), f"{where}.{kind}", high)}


def _assignee(raw: dict[str, Any], where: str) -> dict[str, Any]:
    if "user" in raw:
        return {"user": whole_at(raw.pop("user"), f"{where}.user", 1, 2**31)}
    to = raw.pop("to", None)
    if to in (NEXT, OWNERS):
        return {"to": to}
    strategy = raw.pop("strategy", None)
    if not isinstance(strategy, str) or not strategy:
        raise RuleInvalid(f"{where}.strategy", "missing")
    return {"strategy": strategy}


def field_name(value: object, where: str) -> str:
    if value == AMOUNT:
        return AMOUNT
    return word_at(value, where)
