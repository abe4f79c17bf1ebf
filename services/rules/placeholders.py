"""Placeholders in the texts rules send: `{customer}`, `{number}`, `{amount}`, `{manager}`,
`{field.<key>}`. They are looked up by name, never evaluated: no code from the owner runs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[a-z0-9_]+)?)\}")
NAMES = ("customer", "number", "amount", "manager")
FIELD = "field."


def unknown(text: str, field_keys: Iterable[str]) -> list[str]:
    """The placeholders in `text` that name nothing."""
    keys = set(field_keys)
    return [
        name
        for name in PLACEHOLDER.findall(text)
        if name not in NAMES and not (name.startswith(FIELD) and name[len(FIELD) :] in keys)
    ]


def fill(text: str, value_of: Callable[[str], str | None]) -> str:
    """Each known placeholder replaced by its value (an unknown one is left as written)."""

    def one(match: re.Match[str]) -> str:
        value = value_of(match.group(1))
        return match.group(0) if value is None else value

    return PLACEHOLDER.sub(one, text)
