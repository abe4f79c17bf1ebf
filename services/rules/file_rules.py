"""The rules of the rules file: each in its stored form (services/rules/model.py), except what
differs between businesses. A stage is named rather than numbered (its English name, or the
first it has; read back in any language, whatever the case); a rule that reacts to another
rule names it; a webhook's secret stays behind (each business signs with its own). People stay
ids, and an id that is no active owner or manager here is refused, as is a way to assign that
does not exist (which the rule would otherwise find only when it runs)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from services.assignment import ROUND_ROBIN, STRATEGIES
from services.db.deals import Stage
from services.rules.invalid import RuleInvalid
from services.rules.marked import Marked, Path
from services.rules.model import (
    ASSIGN,
    MESSAGE,
    MOVE,
    RULE_ACTED,
    STAGE,
    STAGE_ENTERED,
    STAGE_LEFT,
    TASK,
    WEBHOOK,
    RuleSpec,
    parse_rule,
)

_STAGE_EVENTS = (STAGE_ENTERED, STAGE_LEFT)


def stage_name(stage: Stage) -> str:
    return stage.names.get("en") or next(iter(stage.names.values()), str(stage.id))


def written(spec: RuleSpec, stages: Mapping[int, str], rules: Mapping[int, str]) -> dict[str, Any]:
    """An id that names nothing here is written as it is, and refused when read back."""
    stored = spec.stored()
    when = stored["when"]
    if spec.trigger.kind in _STAGE_EVENTS:
        when["stage"] = stages.get(when["stage"], when["stage"])
    if spec.trigger.kind == RULE_ACTED and "rule" in when:
        when["rule"] = rules.get(when["rule"], when["rule"])
    for condition in stored["if"]:
        value = condition["value"]
        if condition["fact"] == STAGE and isinstance(value, list):
            condition["value"] = [stages.get(item, item) for item in value]
        elif condition["fact"] == STAGE and value is not None:
            condition["value"] = stages.get(value, value)
    for action in stored["then"]:
        if action["do"] == MOVE:
            action["stage"] = stages.get(action["stage"], action["stage"])
        if action["do"] == WEBHOOK:
            action.pop("secret", None)
    return stored


def _normal(name: str) -> str:
    return " ".join(name.split()).casefold()


class Names:
    """What a file's names stand for here: stages (live ones) and the file's own rules."""

    def __init__(self, marked: Marked, stages: Iterable[Stage], rules: list[object]) -> None:
        self.marked = marked
        self.stages: dict[str, set[int]] = {}
        for stage in stages:
            for written_name in stage.names.values():
                self.stages.setdefault(_normal(written_name), set()).add(stage.id)
        self.rules: dict[str, list[int]] = {}
        for index, rule in enumerate(rules):
            name = rule.get("name") if isinstance(rule, dict) else None
            if isinstance(name, str):
                self.rules.setdefault(_normal(name), []).append(index)

    def stage(self, value: object, path: Path) -> int:
        found = self.stages.get(_normal(value), set()) if isinstance(value, str) else set()
        if len(found) > 1:
            raise self.marked.invalid(path, "ambiguous")
        if not found:
            raise self.marked.invalid(path, "no_stage")
        return next(iter(found))

    def rule(self, value: object, path: Path) -> int:
        found = self.rules.get(_normal(value), []) if isinstance(value, str) else []
        if len(found) > 1:
            raise self.marked.invalid(path, "ambiguous")
        if not found:
            raise self.marked.invalid(path, "no_rule")
        return found[0]


@dataclass(frozen=True)
class RuleIn:
    """A rule's stored form as services.rules.manage.add takes it; `acted`: the index in the
    file of the rule whose actions trigger it (set once every rule has its id)."""

    data: dict[str, Any]
    acted: int | None


def read(
    marked: Marked,
    index: int,
    value: object,
    names: Names,
    people: set[int],
    allow_private_urls: bool,
) -> RuleIn:
    path: Path = ("rules", index)
    if not isinstance(value, dict):
        raise marked.invalid(path, "not_mapping")
    data, acted = _resolved(value, path, names)
    try:
        spec = parse_rule(data, allow_private_urls)
    except RuleInvalid as error:
        raise marked.invalid(in_file(index, error.where), error.problem) from None
    for number, action in enumerate(spec.actions):
        if action.kind == ASSIGN and action.get("strategy", ROUND_ROBIN) not in STRATEGIES:
            raise marked.invalid((*path, "then", number, "strategy"), "unknown")
        key = "user" if action.kind == ASSIGN else "to"
        person = action.get(key)
        if (
            action.kind in (ASSIGN, TASK, MESSAGE)
            and isinstance(person, int)
            and person not in people
        ):
            raise marked.invalid((*path, "then", number, key), "no_person")
    return RuleIn(data, acted)


def _resolved(
    value: dict[str, Any], path: Path, names: Names
) -> tuple[dict[str, Any], int | None]:
    """The rule with its stages as ids, and the rule it reacts to apart; anything malformed is
    left for parse_rule to name."""
    data, acted = dict(value), None
    when = data.get("when")
    if isinstance(when, dict):
        when = data["when"] = dict(when)
        if when.get("event") in _STAGE_EVENTS and "stage" in when:
            when["stage"] = names.stage(when["stage"], (*path, "when", "stage"))
        if when.get("event") == RULE_ACTED and "rule" in when:
            acted = names.rule(when.pop("rule"), (*path, "when", "rule"))
    conditions = data.get("if")
    if isinstance(conditions, list):
        data["if"] = [
            _condition(item, (*path, "if", number), names)
            for number, item in enumerate(conditions)
        ]
    actions = data.get("then")
    if isinstance(actions, list):
        data["then"] = [
            {**item, "stage": names.stage(item["stage"], (*path, "then", number, "stage"))}
            if isinstance(item, dict) and item.get("do") == MOVE and "stage" in item
            else item
            for number, item in enumerate(actions)
        ]
    return data, acted


def _condition(item: object, path: Path, names: Names) -> object:
    if not isinstance(item, dict) or item.get("fact") != STAGE or item.get("value") is None:
        return item
    value = item["value"]
    if isinstance(value, list):
        ids: object = [
            names.stage(one, (*path, "value", number)) for number, one in enumerate(value)
        ]
    else:
        ids = names.stage(value, (*path, "value"))
    return {**item, "value": ids}


def in_file(index: int, where: str) -> Path:
    """A rule's part as RuleInvalid names it ("then.2.stage", from 1) as a path in the file."""
    if where == "rules":
        return ("rules",)
    path: list[str | int] = ["rules", index]
    parts = [] if where == "rule" else where.split(".")
    for number, part in enumerate(parts):
        if part.isdigit() and number and parts[number - 1] in ("if", "then"):
            path.append(int(part) - 1)
        else:
            path.append(part)
    return tuple(path)
