"""The standard rules in the rules file: each on or off, with its number (the escalation's working
minutes, the call-back delay and the overdue report's wait in minutes, the renewal reminders'
days, feedback's closings: 1 won, 2 won or lost). A rule the file leaves out stays as it is."""

from __future__ import annotations

from typing import Any

from services.errors import InvalidInput
from services.rules import standard
from services.rules.marked import Marked, mapping_at

NUMBER_KEY = {
    standard.ESCALATION: "minutes",
    standard.CALLBACK: "minutes",
    standard.OVERDUE: "minutes",
    standard.RENEWALS: "days",
    # 1: asked when won, 2: when won or lost.
    standard.FEEDBACK: "ask_on",
}
Read = dict[str, tuple[bool, tuple[int, ...] | None]]


def written(rules: list[standard.Standard]) -> dict[str, dict[str, Any]]:
    document: dict[str, dict[str, Any]] = {}
    for rule in rules:
        item: dict[str, Any] = {"enabled": rule.enabled}
        if rule.key in NUMBER_KEY:
            number = list(rule.value) if rule.key == standard.RENEWALS else rule.value[0]
            item[NUMBER_KEY[rule.key]] = number
        document[rule.key] = item
    return document


def read(marked: Marked, value: object) -> Read:
    """Each rule the file names: (on, its number or None when the file gives none)."""
    found: Read = {}
    for key, item in mapping_at(marked, value, ("standard",), frozenset(standard.KEYS)).items():
        path = ("standard", key)
        number_key = NUMBER_KEY.get(key)
        allowed = {"enabled", number_key} if number_key else {"enabled"}
        parts = mapping_at(marked, item, path, frozenset(allowed))
        enabled = parts.get("enabled", True)
        if not isinstance(enabled, bool):
            raise marked.invalid((*path, "enabled"), "not_yes_no")
        number = None
        if number_key and number_key in parts:
            number = _number(marked, key, parts[number_key], (*path, number_key))
        found[key] = (enabled, number)
    return found


def _number(marked: Marked, key: str, raw: object, path: tuple[str, ...]) -> tuple[int, ...]:
    items = raw if key == standard.RENEWALS and isinstance(raw, list) else [raw]
    if not all(isinstance(item, int) and not isinstance(item, bool) for item in items):
        raise marked.invalid(path, "not_whole")
    try:
        return standard.checked(key, tuple(int(str(item)) for item in items))
    except InvalidInput:
        raise marked.invalid(path, "out_of_range") from None
