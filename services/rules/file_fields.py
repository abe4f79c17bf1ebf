"""The fields of the rules file: written as the owner defined them, read back checked, then
added or updated by their key. A file never deletes a field, nor an option values may hold."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import SUPPORTED_LOCALES
from services.db.fields import FieldDef
from services.errors import InvalidInput
from services.field_kinds import CHOICE, ENTITIES, KINDS, FieldView
from services.fields import MAX_CHOICES, clean_name
from services.rules.marked import Marked, Path, list_at, mapping_at

MAX_FIELDS = 100
# As services.field_kinds.slug makes them.
KEY = re.compile(r"^[a-z0-9][a-z0-9_]{0,31}$")
_FIELD_KEYS = frozenset({"key", "entity", "kind", "names", "choices", "active"})
_CHOICE_KEYS = frozenset({"key", "names"})


@dataclass(frozen=True)
class FieldIn:
    path: Path
    entity: str
    key: str
    kind: str
    names: dict[str, str]
    choices: list[dict[str, Any]]
    active: bool


def written(field: FieldView) -> dict[str, Any]:
    out: dict[str, Any] = {
        "key": field.key,
        "entity": field.entity,
        "kind": field.kind,
        "names": _in_order(field.names),
    }
    if field.kind == CHOICE:
        out["choices"] = [{"key": c.key, "names": _in_order(c.names)} for c in field.choices]
    out["active"] = field.active
    return out


def _in_order(names: Mapping[str, str]) -> dict[str, str]:
    return {code: names[code] for code in SUPPORTED_LOCALES if code in names}


def read(marked: Marked, value: object) -> list[FieldIn]:
    items = list_at(marked, value, ("fields",))
    if len(items) > MAX_FIELDS:
        raise marked.invalid(("fields",), "too_many")
    fields: list[FieldIn] = []
    for index, item in enumerate(items):
        field = _field(marked, item, ("fields", index))
        if any((f.entity, f.key) == (field.entity, field.key) for f in fields):
            raise marked.invalid((*field.path, "key"), "duplicate")
        fields.append(field)
    return fields


def _field(marked: Marked, value: object, path: Path) -> FieldIn:
    raw = mapping_at(marked, value, path, _FIELD_KEYS)
    entity, kind = raw.get("entity"), raw.get("kind")
    if entity not in ENTITIES:
        raise marked.invalid((*path, "entity"), "missing" if entity is None else "unknown")
    if kind not in KINDS:
        raise marked.invalid((*path, "kind"), "missing" if kind is None else "unknown")
    choices: list[dict[str, Any]] = []
    if kind == CHOICE:
        choices = _choices(marked, raw.get("choices"), (*path, "choices"))
    elif raw.get("choices"):
        raise marked.invalid((*path, "choices"), "unexpected")
    active = raw.get("active", True)
    if not isinstance(active, bool):
        raise marked.invalid((*path, "active"), "not_yes_no")
    return FieldIn(
        path,
        str(entity),
        _key(marked, raw.get("key"), (*path, "key")),
        str(kind),
        _names(marked, raw.get("names"), (*path, "names")),
        choices,
        active,
    )


def _choices(marked: Marked, value: object, path: Path) -> list[dict[str, Any]]:
    if value is None:
        raise marked.invalid(path, "missing")
    items = list_at(marked, value, path)
    if not 1 <= len(items) <= MAX_CHOICES:
        raise marked.invalid(path, "too_many" if items else "missing")
    choices: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        raw = mapping_at(marked, item, (*path, index), _CHOICE_KEYS)
        key = _key(marked, raw.get("key"), (*path, index, "key"))
        if any(choice["key"] == key for choice in choices):
            raise marked.invalid((*path, index, "key"), "duplicate")
        choices.append(
            {"key": key, "names": _names(marked, raw.get("names"), (*path, index, "names"))}
        )
    return choices


def _key(marked: Marked, value: object, path: Path) -> str:
    if value is None:
        raise marked.invalid(path, "missing")
    if not isinstance(value, str) or not KEY.match(value):
        raise marked.invalid(path, "key")
    return value


def _names(marked: Marked, value: object, path: Path) -> dict[str, str]:
    """The English name at least; a language left out reads the English one."""
    if value is None:
        raise marked.invalid(path, "missing")
    raw = mapping_at(marked, value, path, frozenset(SUPPORTED_LOCALES))
    names: dict[str, str] = {}
    for code in SUPPORTED_LOCALES:
        if code not in raw:
            continue
        name = raw[code]
        try:
            names[code] = clean_name(name if isinstance(name, str) else "")
        except InvalidInput:
            raise marked.invalid((*path, code), "name") from None
    if "en" not in names:
        raise marked.invalid((*path, "en"), "missing")
    return names


async def existing(session: AsyncSession, marked: Marked, fields: list[FieldIn]) -> list[FieldDef]:
    """Every field defined here; a field of the file may not change its kind here, nor leave
    out an option it has (values may hold it)."""
    rows = list(await session.scalars(select(FieldDef)))
    by_key = {(row.entity, row.key): row for row in rows}
    for field in fields:
        row = by_key.get((field.entity, field.key))
        if row is None:
            continue
        if row.kind != field.kind:
            raise marked.invalid((*field.path, "kind"), "kind_changed")
        if {c["key"] for c in row.choices} - {c["key"] for c in field.choices}:
            raise marked.invalid((*field.path, "choices"), "option_removed")
    return rows


def upsert(
    session: AsyncSession, fields: list[FieldIn], rows: list[FieldDef], now: datetime
) -> tuple[int, int]:
    """Fields added and fields changed; new ones after the others of their entity."""
    by_key = {(row.entity, row.key): row for row in rows}
    last = {
        entity: max((r.position for r in rows if r.entity == entity), default=0)
        for entity in ENTITIES
    }
    added = updated = 0
    for field in fields:
        row = by_key.get((field.entity, field.key))
        if row is None:
            last[field.entity] += 1
            session.add(
                FieldDef(
                    entity=field.entity,
                    key=field.key,
                    kind=field.kind,
                    names=field.names,
                    choices=field.choices,
                    position=last[field.entity],
                    active=field.active,
                    created_at=now,
                )
            )
            added += 1
        elif (row.names, row.choices, row.active) != (field.names, field.choices, field.active):
            row.names, row.choices, row.active = field.names, field.choices, field.active
            updated += 1
    return added, updated
