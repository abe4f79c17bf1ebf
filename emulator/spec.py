"""Machine-readable Bot API spec used to validate every call the bot makes.

api.json is copied verbatim from PaulSonOfLars/telegram-bot-api-spec (MIT), Bot API 10.1.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).with_name("api.json")

_DISCRIMINATOR = re.compile(r'(?:always "([a-z0-9_]+)"|must be ([a-z0-9_]+))')


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(frozen=True, slots=True)
class Method:
    name: str
    fields: tuple[Field, ...]
    returns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TypeSpec:
    name: str
    fields: tuple[Field, ...]
    subtypes: tuple[str, ...]
    discriminator: tuple[str, str] | None
    required: frozenset[str] = dataclasses.field(init=False, compare=False)

    def __post_init__(self) -> None:
        required = frozenset(f.name for f in self.fields if f.required)
        object.__setattr__(self, "required", required)


def _fields(raw: list[dict[str, Any]]) -> tuple[Field, ...]:
    return tuple(Field(f["name"], tuple(f["types"]), bool(f["required"])) for f in raw)


def _discriminator(fields: tuple[Field, ...], raw: list[dict[str, Any]]) -> tuple[str, str] | None:
    for field, source in zip(fields, raw, strict=True):
        if field.name in ("type", "status", "source"):
            match = _DISCRIMINATOR.search(source["description"])
            if match:
                return field.name, match.group(1) or match.group(2)
    return None


class ApiSpec:
    """Method and type tables of the Bot API, with case-insensitive method lookup."""

    def __init__(self, path: Path = SPEC_PATH) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        self.version: str = data["version"]
        self.methods: dict[str, Method] = {}
        self._by_lower: dict[str, str] = {}
        for name, raw in data["methods"].items():
            self.methods[name] = Method(
                name, _fields(raw.get("fields", [])), tuple(raw["returns"])
            )
            self._by_lower[name.lower()] = name
        self.types: dict[str, TypeSpec] = {}
        self._objects: dict[tuple[str, ...], tuple[str, ...]] = {}
        for name, raw in data["types"].items():
            raw_fields = raw.get("fields", [])
            fields = _fields(raw_fields)
            self.types[name] = TypeSpec(
                name,
                fields,
                tuple(raw.get("subtypes") or ()),
                _discriminator(fields, raw_fields),
            )

    def objects_in(self, types: tuple[str, ...]) -> tuple[str, ...]:
        """Which of a field's types are objects (not InputFile), worked out once per field."""
        found = self._objects.get(types)
        if found is None:
            found = tuple(t for t in types if t in self.types and t != "InputFile")
            self._objects[types] = found
        return found

    def method(self, name: str) -> Method | None:
        canonical = self._by_lower.get(name.lower())
        return self.methods[canonical] if canonical else None
