"""The rules every business starts with, switched on with the settings' values: a request not
taken in time goes to the next manager, then to the owners; a missed call gives its manager a
call-back task; a contract's manager is reminded before its end; the customer is told when
their deal enters a 🔔 stage; the owners are told of a long-overdue task; the customer is asked
to rate a won (or also a lost) deal. Owners switch each off
and on and change its number in /rules; the code that does the work reads the rule each time,
so a change needs no restart.

A rule's value: the escalation's working minutes (the response SLA by default), the call-back
delay and the overdue report's wait in minutes, the renewal reminders' days before the end
(latest first), which closed deals feedback is asked on (`ON_WON` or `ON_CLOSED`); stage notices
have none (the stages are marked in /pipeline)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import Actor, require_owner
from services.db.engine import is_postgres
from services.db.rules import StandardRule
from services.errors import Conflict, ErrorCode, InvalidInput, NotFound

ESCALATION, CALLBACK, RENEWALS = "escalation", "callback", "renewals"
STAGE_NOTICES, OVERDUE, FEEDBACK = "stage_notices", "overdue", "feedback"
KEYS = (ESCALATION, CALLBACK, RENEWALS, STAGE_NOTICES, OVERDUE, FEEDBACK)
# Feedback's value: asked when a deal is won, or when it is won or lost.
ON_WON, ON_CLOSED = 1, 2
# What an owner may type: the range of each number, and how many renewal reminders at most.
RANGES = {
    ESCALATION: (1, 24 * 60),
    CALLBACK: (5, 72 * 60),
    OVERDUE: (60, 30 * 24 * 60),
    RENEWALS: (1, 365),
    FEEDBACK: (ON_WON, ON_CLOSED),
}
MINUTE = timedelta(minutes=1)
MOST_REMINDERS = 5


@dataclass(frozen=True)
class Standard:
    key: str
    enabled: bool
    # What the rule works with now: the owner's value, else the settings'.
    value: tuple[int, ...]
    fired: int
    last_run_at: datetime | None
    version: int


@dataclass(frozen=True)
class Defaults:
    """The settings' values, used until an owner changes them."""

    sla: timedelta
    callback_after: timedelta
    renewal_offsets: tuple[int, ...]
    overdue_after: timedelta

    def of(self, key: str) -> tuple[int, ...]:
        if key == ESCALATION:
            return in_minutes(self.sla)
        if key == CALLBACK:
            return in_minutes(self.callback_after)
        if key == OVERDUE:
            return in_minutes(self.overdue_after)
        if key == RENEWALS:
            return tuple(sorted(set(self.renewal_offsets), reverse=True))
        if key == FEEDBACK:
            return (ON_WON,)
        return ()


def in_minutes(length: timedelta) -> tuple[int, ...]:
    """A setting's duration as a rule's value: whole minutes, at least one."""
    return (max(1, int(length / MINUTE)),)


async def current(session: AsyncSession, key: str, default: tuple[int, ...]) -> Standard:
    """The rule as it is now, for the code that does its work."""
    row = await session.get(StandardRule, key)
    if row is None:
        return Standard(key, True, default, 0, None, 0)
    value = tuple(row.value) if row.value is not None else default
    return Standard(key, row.enabled, value, row.fired, row.last_run_at, row.version)


async def notices_on(session: AsyncSession) -> bool:
    """Whether customers are told when their deal enters a 🔔 stage."""
    return (await current(session, STAGE_NOTICES, ())).enabled


async def feedback_on(session: AsyncSession) -> frozenset[str]:
    """The kinds of stage whose deals' customers are asked to rate them (none when off)."""
    rule = await current(session, FEEDBACK, (ON_WON,))
    if not rule.enabled:
        return frozenset()
    return frozenset({"won", "lost"}) if rule.value == (ON_CLOSED,) else frozenset({"won"})


async def overview(session: AsyncSession, actor: Actor, defaults: Defaults) -> list[Standard]:
    require_owner(actor)
    return [await current(session, key, defaults.of(key)) for key in KEYS]


async def detail(session: AsyncSession, actor: Actor, key: str, defaults: Defaults) -> Standard:
    require_owner(actor)
    if key not in KEYS:
        raise NotFound()
    return await current(session, key, defaults.of(key))


async def switch(
    session: AsyncSession,
    actor: Actor,
    key: str,
    version: int,
    now: datetime,
    defaults: Defaults,
) -> Standard:
    """On if it was off, off if it was on; Conflict when the card shown was stale."""
    rule = await detail(session, actor, key, defaults)
    return await _save(session, actor, rule, version, now, enabled=not rule.enabled)


async def change(
    session: AsyncSession,
    actor: Actor,
    key: str,
    version: int,
    value: tuple[int, ...],
    now: datetime,
    defaults: Defaults,
) -> Standard:
    """A new value, checked; switched on with it."""
    rule = await detail(session, actor, key, defaults)
    return await _save(session, actor, rule, version, now, enabled=True, value=checked(key, value))


def checked(key: str, value: tuple[int, ...]) -> tuple[int, ...]:
    if key not in RANGES:
        raise InvalidInput()
    low, high = RANGES[key]
    if not value or any(not low <= number <= high for number in value):
        raise InvalidInput(ErrorCode.RULE_NUMBER)
    if key != RENEWALS:
        if len(value) != 1:
            raise InvalidInput(ErrorCode.RULE_NUMBER)
        return value
    days = tuple(sorted(set(value), reverse=True))
    if len(days) > MOST_REMINDERS:
        raise InvalidInput(ErrorCode.RULE_DAYS)
    return days


def read_days(text: str) -> tuple[int, ...]:
    """Days typed as whole numbers apart by commas or spaces: `30, 7, 1`."""
    parts = text.replace(",", " ").replace(";", " ").split()
    if not parts or not all(part.isascii() and part.isdigit() for part in parts):
        raise InvalidInput(ErrorCode.RULE_DAYS)
    return tuple(int(part) for part in parts)


async def _save(
    session: AsyncSession,
    actor: Actor,
    rule: Standard,
    version: int,
    now: datetime,
    *,
    enabled: bool,
    value: tuple[int, ...] | None = None,
) -> Standard:
    if version != rule.version:
        raise Conflict()
    row = await put(session, actor, rule.key, enabled, value, now)
    await session.commit()
    stored = tuple(row.value) if row.value is not None else rule.value
    return Standard(rule.key, enabled, stored, row.fired, row.last_run_at, row.version)


async def put(
    session: AsyncSession,
    actor: Actor,
    key: str,
    enabled: bool,
    value: tuple[int, ...] | None,
    now: datetime,
) -> StandardRule:
    """Set as told, in the caller's transaction; `value` None keeps the value it has."""
    row = await session.get(StandardRule, key)
    if row is None:
        row = StandardRule(key=key, fired=0, version=0)
        session.add(row)
    row.enabled = enabled
    if value is not None:
        row.value = list(value)
    row.updated_at, row.updated_by = now, actor.user_id
    row.version += 1
    return row


async def acted(session: AsyncSession, key: str, now: datetime, times: int = 1) -> None:
    """Counts what the rule did, in the caller's transaction; the owner's card is not made
    stale by it."""
    if times <= 0:
        return
    values: Mapping[str, object] = {
        "key": key,
        "enabled": True,
        "fired": times,
        "last_run_at": now,
        "version": 0,
    }
    dialect = postgresql if is_postgres(session) else sqlite
    insert = dialect.insert(StandardRule).values(**values)
    await session.execute(
        insert.on_conflict_do_update(
            index_elements=[StandardRule.key],
            set_={"fired": StandardRule.fired + times, "last_run_at": now},
        )
    )
