"""Rules as a file: every field and rule of the business as one YAML document
(docs/rules-file.md), to copy a set-up to another business or keep it in version control.
Exported for the owner; imported whole: everything is checked first, then the fields are
added or updated and the rules replaced in one transaction, or nothing changes, and a
problem names its line. A rule of the file the business has just so stays as it is (what it
has done and the moments it waits for too), so the same file sent again wakes nothing again."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import MANAGER, OWNER, Actor, require_owner
from services.db.deals import Stage
from services.db.fields import FieldDef
from services.db.rules import Rule
from services.db.users import User
from services.field_views import definitions
from services.rules import file_fields, file_rules, file_standard, manage, standard
from services.rules.invalid import RuleInvalid
from services.rules.marked import FileInvalid, Marked, list_at, mapping_at, read
from services.rules.model import RULE_ACTED, WEBHOOK, RuleSpec

VERSION = 1
MAX_BYTES = 256 * 1024
HEADER = "# Axın: the business's fields and rules. How it is written: docs/rules-file.md\n"
_TOP_KEYS = frozenset({"version", "fields", "standard", "rules"})


@dataclass(frozen=True)
class Imported:
    fields_added: int
    fields_updated: int
    rules_removed: int
    rules_added: int
    # Rules of the file the business has just so: left as they are, with what they have done
    # and the moments they wait for.
    rules_kept: int = 0


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key; texts of several lines written as blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


async def export(session: AsyncSession, actor: Actor, defaults: standard.Defaults) -> str:
    require_owner(actor)
    # Deleted stages and rules too: a rule may still name one (and is then refused on import).
    stages = {s.id: file_rules.stage_name(s) for s in await session.scalars(select(Stage))}
    names = {rule_id: name for rule_id, name in await session.execute(select(Rule.id, Rule.name))}
    rules = await session.scalars(
        select(Rule).where(Rule.deleted_at.is_(None)).order_by(Rule.position, Rule.id)
    )
    document = {
        "version": VERSION,
        "fields": [
            file_fields.written(field) for field in await definitions(session, active_only=False)
        ],
        "standard": file_standard.written(await standard.overview(session, actor, defaults)),
        "rules": [file_rules.written(manage.spec_of(rule), stages, names) for rule in rules],
    }
    return HEADER + yaml.dump(
        document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=99
    )


async def import_file(
    session: AsyncSession,
    actor: Actor,
    text: str,
    now: datetime,
    allow_private_urls: bool = False,
) -> Imported:
    """All of it, committed; or FileInvalid (the line and what is wrong there) and the unit of
    work rolled back, what the caller wrote in it too, so nothing changes."""
    try:
        imported = await _imported(session, actor, text, now, allow_private_urls)
        await session.commit()
    except Exception:
        await session.rollback()
        raise
    return imported


@dataclass(frozen=True)
class _Checked:
    marked: Marked
    fields: list[file_fields.FieldIn]
    existing: list[FieldDef]
    standard: file_standard.Read
    rules: list[file_rules.RuleIn]


async def _imported(
    session: AsyncSession, actor: Actor, text: str, now: datetime, allow_private_urls: bool
) -> Imported:
    """The fields added or updated, the old rules deleted, the file's made; a problem only the
    writing finds is named by its line all the same."""
    require_owner(actor)
    checked = await _checked(session, text, allow_private_urls)
    added, updated = file_fields.upsert(session, checked.fields, checked.existing, now)
    for key, (enabled, value) in checked.standard.items():
        await standard.put(session, actor, key, enabled, value, now)
    old = list(await session.scalars(select(Rule).where(Rule.deleted_at.is_(None))))
    # A webhook sent back to the address it had keeps its key: its receiver still checks it.
    keys: dict[tuple[Any, Any], Any] = {
        (rule.name, action.get("url")): action.get("secret")
        for rule in old
        for action in rule.actions
        if action.get("do") == WEBHOOK
    }
    unchanged = {_row_content(rule): rule for rule in old if rule.trigger_kind != RULE_ACTED}
    specs = []
    for index, rule_in in enumerate(checked.rules):
        data = _with_keys(rule_in.data, keys)
        try:
            specs.append((data, await manage.checked(session, data, allow_private_urls)))
        except RuleInvalid as error:
            where = file_rules.in_file(index, error.where)
            raise checked.marked.invalid(where, error.problem) from None
    contents = [_stored_content(spec) for _data, spec in specs]
    kept = {
        index: unchanged.pop(content)
        for index, content in enumerate(contents)
        if content in unchanged
    }
    retired = [rule for rule in old if rule not in kept.values()]
    for rule in retired:
        await manage.retire(session, actor, rule, now)
    made: list[Rule] = []
    for index, (data, _spec) in enumerate(specs):
        if index in kept:
            made.append(kept[index])
            continue
        try:
            made.append(await manage.add(session, actor, data, now, allow_private_urls))
        except RuleInvalid as error:
            where = file_rules.in_file(index, error.where)
            raise checked.marked.invalid(where, error.problem) from None
    for position, (row, rule_in) in enumerate(zip(made, checked.rules, strict=True), start=1):
        row.position = position
        if rule_in.acted is not None:
            row.trigger = {**row.trigger, "rule": made[rule_in.acted].id}
    return Imported(added, updated, len(retired), len(made) - len(kept), len(kept))


def _content(name: str, enabled: bool, *parts: Any) -> str:
    return json.dumps([name, enabled, *parts], sort_keys=True, default=str)


def _row_content(rule: Rule) -> str:
    return _content(rule.name, rule.enabled, rule.trigger, rule.conditions, rule.actions)


def _stored_content(spec: RuleSpec) -> str:
    stored = spec.stored()
    return _content(spec.name, spec.enabled, stored["when"], stored["if"], stored["then"])


def _with_keys(data: dict[str, Any], keys: dict[tuple[Any, Any], Any]) -> dict[str, Any]:
    name = data.get("name")
    then = [
        {**action, "secret": keys[(name, action.get("url"))]}
        if action.get("do") == WEBHOOK and keys.get((name, action.get("url")))
        else action
        for action in data.get("then") or []
    ]
    return {**data, "then": then}


async def _checked(session: AsyncSession, text: str, allow_private_urls: bool) -> _Checked:
    """Everything the file says, checked before anything is written."""
    if len(text.encode()) > MAX_BYTES:
        raise FileInvalid(None, (), "too_big")
    marked = read(text)
    top = mapping_at(marked, marked.data, (), _TOP_KEYS)
    if top.get("version") != VERSION:
        raise marked.invalid(("version",), "version")
    fields = file_fields.read(marked, top.get("fields", []))
    standards = file_standard.read(marked, top.get("standard", {}))
    if "rules" not in top:
        raise marked.invalid(("rules",), "missing")
    listed = list_at(marked, top["rules"], ("rules",))
    if len(listed) > manage.MAX_RULES:
        raise marked.invalid(("rules",), "too_many")
    stages = await session.scalars(select(Stage).where(Stage.deleted_at.is_(None)))
    names = file_rules.Names(marked, stages, listed)
    people = set(
        await session.scalars(
            select(User.id).where(
                (User.role == OWNER) | ((User.role == MANAGER) & User.is_active.is_(True)),
                User.blocked.is_(False),
            )
        )
    )
    rules = [
        file_rules.read(marked, index, item, names, people, allow_private_urls)
        for index, item in enumerate(listed)
    ]
    existing = await file_fields.existing(session, marked, fields)
    return _Checked(marked, fields, existing, standards, rules)
