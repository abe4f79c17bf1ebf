"""A rule's parts in their stored (and file) form, parsed and checked. Stages and people are
named by id, fields by their key; a problem is reported with where it is and what it is."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from services.errors import ErrorCode, InvalidInput

# Triggers.
CREATED, STAGE_ENTERED, STAGE_LEFT = "created", "stage_entered", "stage_left"
FIELD_CHANGED, CROSSED, CUSTOMER_WROTE = "field_changed", "crossed", "customer_wrote"
NO_RESPONSE, TASK_OVERDUE, IDLE, DATE = "no_response", "task_overdue", "idle", "date"
RULE_ACTED = "rule_acted"
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
FACTS = (SOURCE, STAGE, AMOUNT, MANAGER, LANGUAGE, WORKING_HOURS, TAG)
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
ASSIGN, MOVE, TASK, MESSAGE, SET_FIELD, SET_TAG, WEBHOOK = (
    "assign",
    "move",
    "task",
    "message",
    "set_field",
    "tag",
    "webhook",
)
ACTIONS = (ASSIGN, MOVE, TASK, MESSAGE, SET_FIELD, SET_TAG, WEBHOOK)
# Who a task or message is for; anything else is a person's id.
RESPONSIBLE, OWNERS, CUSTOMER = "manager", "owners", "customer"
# Assign to the next manager in turn after the current one.
NEXT = "next"

NAME_LENGTH = 80
TEXT_LENGTH = 1000
MAX_MINUTES = 60 * 24 * 366
MAX_DAYS = 3660
_TAG = re.compile(r"^[^\s#,]{1,32}$")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_SECRET = re.compile(r"^[0-9a-f]{32,128}$")


class RuleInvalid(InvalidInput):
    """`where` names the part ("then.2.stage"), `problem` what is wrong with it."""

    code = ErrorCode.RULE_INVALID

    def __init__(self, where: str, problem: str) -> None:
        super().__init__()
        self.where = where
        self.problem = problem

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


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
    raw = _mapping(data, "rule")
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
        for index, item in enumerate(_sequence(raw.get("if", []), "if"))
    )
    actions = tuple(
        parse_action(item, f"then.{index + 1}", allow_private_urls)
        for index, item in enumerate(_sequence(raw.get("then"), "then"))
    )
    if not actions:
        raise RuleInvalid("then", "missing")
    return RuleSpec(name, trigger, conditions, actions, enabled)


def parse_trigger(data: object) -> Trigger:
    raw = dict(_mapping(data, "when"))
    kind = raw.pop("event", None)
    if kind not in TRIGGERS:
        raise RuleInvalid("when.event", "unknown")
    params: dict[str, Any] = {}
    where = "when"
    if kind == CREATED:
        params["sources"] = [
            _word(item, f"{where}.sources") for item in _sequence(raw.pop("sources", []), where)
        ]
    elif kind in (STAGE_ENTERED, STAGE_LEFT):
        params["stage"] = _whole(raw.pop("stage", None), f"{where}.stage", 1, 2**31)
    elif kind in (FIELD_CHANGED, CROSSED):
        params["field"] = _field_name(raw.pop("field", None), f"{where}.field")
        if kind == CROSSED:
            params["value"] = str(_number(raw.pop("value", None), f"{where}.value"))
    elif kind == NO_RESPONSE:
        params["minutes"] = _whole(raw.pop("minutes", None), f"{where}.minutes", 1, MAX_MINUTES)
    elif kind == IDLE:
        params["days"] = _whole(raw.pop("days", None), f"{where}.days", 1, MAX_DAYS)
    elif kind == TASK_OVERDUE:
        params["minutes"] = _whole(raw.pop("minutes", 0), f"{where}.minutes", 0, MAX_MINUTES)
    elif kind == DATE:
        params.update(_date_params(raw, where))
    elif kind == RULE_ACTED and "rule" in raw:
        params["rule"] = _whole(raw.pop("rule"), f"{where}.rule", 1, 2**31)
    if raw:
        raise RuleInvalid(f"{where}.{sorted(raw)[0]}", "unknown")
    return Trigger(kind, params)


def _date_params(raw: dict[str, Any], where: str) -> dict[str, Any]:
    of = raw.pop("of", None)
    if of not in (WON, CONTRACT_END) and not (
        isinstance(of, str) and of.startswith(FIELD_PREFIX) and _KEY.match(of[len(FIELD_PREFIX) :])
    ):
        raise RuleInvalid(f"{where}.of", "unknown")
    params: dict[str, Any] = {
        "of": of,
        "days": _whole(raw.pop("days", 0), f"{where}.days", -MAX_DAYS, MAX_DAYS),
        "hours": _whole(raw.pop("hours", 0), f"{where}.hours", -23, 23),
    }
    for unit in ("every_days", "every_months"):
        if unit in raw:
            params[unit] = _whole(
                raw.pop(unit), f"{where}.{unit}", 1, 120 if "months" in unit else MAX_DAYS
            )
    if "every_days" in params and "every_months" in params:
        raise RuleInvalid(f"{where}.every_months", "conflict")
    return params


def parse_condition(data: object, where: str) -> Condition:
    raw = dict(_mapping(data, where))
    fact = raw.pop("fact", None)
    if not (fact in FACTS or (isinstance(fact, str) and fact.startswith(FIELD_PREFIX))):
        raise RuleInvalid(f"{where}.fact", "unknown")
    if fact.startswith(FIELD_PREFIX):
        _field_name(fact[len(FIELD_PREFIX) :], f"{where}.fact")
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
        items = [_scalar(item, f"{where}.value") for item in _sequence(value, f"{where}.value")]
        if not items:
            raise RuleInvalid(f"{where}.value", "missing")
        return Condition(fact, op, items)
    if op in COMPARING:
        return Condition(fact, op, str(_number(value, f"{where}.value")))
    return Condition(fact, op, _scalar(value, f"{where}.value"))


def parse_action(data: object, where: str, allow_private_urls: bool = False) -> Action:
    raw = dict(_mapping(data, where))
    kind = raw.pop("do", None)
    if kind not in ACTIONS:
        raise RuleInvalid(f"{where}.do", "unknown")
    params: dict[str, Any] = {}
    if kind == ASSIGN:
        params.update(_assignee(raw, where))
    elif kind == MOVE:
        params["stage"] = _whole(raw.pop("stage", None), f"{where}.stage", 1, 2**31)
    elif kind == TASK:
        params["to"] = _person(raw.pop("to", RESPONSIBLE), f"{where}.to", (RESPONSIBLE, OWNERS))
        params["after_minutes"] = _whole(
            raw.pop("after_minutes", 0), f"{where}.after_minutes", 0, MAX_MINUTES
        )
        working = raw.pop("working", False)
        if not isinstance(working, bool):
            raise RuleInvalid(f"{where}.working", "not_yes_no")
        params["working"] = working
        params["note"] = _text(raw.pop("note", ""), f"{where}.note", allow_empty=True)
    elif kind == MESSAGE:
        params["to"] = _person(raw.pop("to", None), f"{where}.to", (CUSTOMER, RESPONSIBLE, OWNERS))
        params["text"] = _texts(raw.pop("text", None), f"{where}.text")
    elif kind == SET_FIELD:
        params["field"] = _field_name(raw.pop("field", None), f"{where}.field")
        value = raw.pop("value", None)
        params["value"] = None if value is None else _scalar(value, f"{where}.value")
    elif kind == SET_TAG:
        params["tag"] = _tag(raw.pop("tag", None), f"{where}.tag")
        remove = raw.pop("remove", False)
        if not isinstance(remove, bool):
            raise RuleInvalid(f"{where}.remove", "not_yes_no")
        params["remove"] = remove
    elif kind == WEBHOOK:
        params["url"] = check_url(raw.pop("url", None), f"{where}.url", allow_private_urls)
        if "secret" in raw:
            secret = raw.pop("secret")
            if not isinstance(secret, str) or not _SECRET.match(secret):
                raise RuleInvalid(f"{where}.secret", "secret")
            params["secret"] = secret
    if raw:
        raise RuleInvalid(f"{where}.{sorted(raw)[0]}", "unknown")
    return Action(kind, params)


def _assignee(raw: dict[str, Any], where: str) -> dict[str, Any]:
    if "user" in raw:
        return {"user": _whole(raw.pop("user"), f"{where}.user", 1, 2**31)}
    to = raw.pop("to", None)
    if to in (NEXT, OWNERS):
        return {"to": to}
    strategy = raw.pop("strategy", None)
    if not isinstance(strategy, str) or not strategy:
        raise RuleInvalid(f"{where}.strategy", "missing")
    return {"strategy": strategy}


def check_url(value: object, where: str, allow_private: bool) -> str:
    """http or https with a host; a loopback, private or link-local address only when allowed
    (names are looked up when posting, and checked again there)."""
    if not isinstance(value, str) or len(value) > 2000:
        raise RuleInvalid(where, "url")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RuleInvalid(where, "url")
    if not allow_private and not public_host(parts.hostname):
        raise RuleInvalid(where, "private_url")
    return value.strip()


def public_host(host: str) -> bool:
    """False for an address (or "localhost") that is not on the public internet."""
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(
        ".localhost"
    ):
        return False
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return True
    # Python counts multicast groups such as 224.0.0.1 as global; nothing is posted to them.
    return address.is_global and not address.is_multicast


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise RuleInvalid(where, "not_mapping")
    return value


def _sequence(value: object, where: str) -> Sequence[Any]:
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise RuleInvalid(where, "not_list")
    return value


def _whole(value: object, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleInvalid(where, "not_whole")
    if not low <= value <= high:
        raise RuleInvalid(where, "out_of_range")
    return value


def _number(value: object, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise RuleInvalid(where, "not_number")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise RuleInvalid(where, "not_number") from None
    if not number.is_finite() or abs(number) >= Decimal(10) ** 12:
        raise RuleInvalid(where, "not_number")
    return number


def _scalar(value: object, where: str) -> str | int | bool:
    if isinstance(value, (bool, int)):
        return value
    if isinstance(value, (float, Decimal)):
        return str(_number(value, where))
    if isinstance(value, str) and value.strip() and len(value) <= 200:
        return value.strip()
    raise RuleInvalid(where, "missing")


def _word(value: object, where: str) -> str:
    if not isinstance(value, str) or not _KEY.match(value):
        raise RuleInvalid(where, "unknown")
    return value


def _field_name(value: object, where: str) -> str:
    if value == AMOUNT:
        return AMOUNT
    return _word(value, where)


def _tag(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise RuleInvalid(where, "missing")
    tag = value.strip().lstrip("#").lower()
    if not _TAG.match(tag):
        raise RuleInvalid(where, "tag")
    return tag


def _person(value: object, where: str, named: tuple[str, ...]) -> str | int:
    if value in named:
        return str(value)
    return _whole(value, where, 1, 2**31)


def _text(value: object, where: str, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise RuleInvalid(where, "missing")
    text = value.strip()
    if not text and not allow_empty:
        raise RuleInvalid(where, "missing")
    if len(text) > TEXT_LENGTH:
        raise RuleInvalid(where, "too_long")
    return text


def _texts(value: object, where: str) -> dict[str, str]:
    """A text in one or more of en, az, ru; a reader gets theirs, else the first given."""
    if isinstance(value, str):
        value = {"en": value}
    raw = _mapping(value, where)
    texts = {}
    for language, text in raw.items():
        if language not in ("en", "az", "ru"):
            raise RuleInvalid(f"{where}.{language}", "unknown")
        texts[language] = _text(text, f"{where}.{language}")
    if not texts:
        raise RuleInvalid(where, "missing")
    return texts
