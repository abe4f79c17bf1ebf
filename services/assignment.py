"""Who gets a new request: a manager chosen by the strategy the owner set
(services/assignment_rule.py), among the active managers on duty, reachable and below
their capacity, within their working hours (their own, else the company's); else the first
owner, with the owners told why.

Every strategy reads the candidates in one query and shares them out in memory, so requests
arriving together cost one read however many there are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Boolean, Integer, bindparam, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.expression import ScalarSelect

from services import outbox
from services.access import MANAGER, OWNER, SUPPORTED_LOCALES
from services.db.assignment import ROW_ID, AssignmentRule
from services.db.customers import Customer
from services.db.deals import Deal
from services.db.engine import is_postgres
from services.db.reports import ReportSettings
from services.db.users import User
from services.reports.worktime import Schedule

ROUND_ROBIN, FEWEST_OPEN, BY_LEVEL = "round_robin", "fewest_open", "by_level"
BY_LANGUAGE, BY_TAG = "by_language", "by_tag"
STRATEGIES = (ROUND_ROBIN, FEWEST_OPEN, BY_LEVEL, BY_LANGUAGE, BY_TAG)
# Why a request went to an owner.
NOBODY_ON_DUTY, AT_CAPACITY, CLOSED = "nobody_on_duty", "at_capacity", "closed"
# Managers are on duty, but none within their own working hours.
OFF_HOURS = "off_hours"
# An owner got it because nobody took it in time (a rule or the standard escalation).
NOT_TAKEN = "not_taken"

_TICK = timedelta(microseconds=1)
_ON_DUTY_NOW = (User.role == MANAGER, User.is_active, User.on_duty, User.blocked.is_(False))
_ELIGIBLE = (*_ON_DUTY_NOW, User.id != bindparam("exclude"))
_OPEN = (
    select(func.count())
    .where(Deal.manager_id == User.id, Deal.closed_at.is_(None))
    .correlate(User)
    .scalar_subquery()
)
# Within their working hours: not among those whose own hours are closed now, and with hours
# of their own when the company's are closed.
_IN_HOURS = (
    User.id.not_in(bindparam("off", expanding=True)),
    or_(User.work_days.is_not(None), bindparam("company_open", type_=Boolean)),
)
# Counted only for managers with a capacity: most have none, and round-robin reads no more.
_ROOM = or_(User.capacity.is_(None), User.capacity > _OPEN)
_OPEN_IF_LIMITED = case((User.capacity.is_(None), 0), else_=_OPEN)
_TURN = (User.last_assigned_at.asc().nulls_first(), User.id)
# Built once: every request runs them.
_NEXT_MANAGERS = (
    select(User, _OPEN_IF_LIMITED)
    .where(*_ELIGIBLE, *_IN_HOURS, _ROOM)
    .order_by(*_TURN)
    .limit(bindparam("count", type_=Integer))
)
_ALL_MANAGERS = select(User, _OPEN).where(*_ELIGIBLE, *_IN_HOURS, _ROOM).order_by(*_TURN)
_ON_DUTY = select(func.count()).where(*_ELIGIBLE)
_IN_HOURS_NOW = select(func.count()).where(*_ELIGIBLE, *_IN_HOURS)
_OWN_HOURS = select(User.id, User.work_days, User.work_start, User.work_end).where(
    *_ON_DUTY_NOW, User.work_days.is_not(None)
)
_OWNERS = select(User).where(User.role == OWNER, User.blocked.is_(False)).order_by(User.id)
_HAS_MANAGERS = select(exists().where(User.role == MANAGER, User.is_active))


def _first_owners(column: InstrumentedAttribute[Any]) -> ScalarSelect[Any]:
    return (
        select(column)
        .join(User, User.id == ReportSettings.user_id)
        .where(User.role == OWNER)
        .order_by(User.id)
        .limit(1)
        .scalar_subquery()
    )


def _of_rule(column: InstrumentedAttribute[Any]) -> ScalarSelect[Any]:
    return select(column).where(AssignmentRule.id == ROW_ID).scalar_subquery()


# The rule and the company's working hours (the first owner's, from /settings) in one read.
_SETUP = select(
    _of_rule(AssignmentRule.strategy),
    _of_rule(AssignmentRule.level_from),
    _of_rule(AssignmentRule.tag),
    _first_owners(ReportSettings.work_days),
    _first_owners(ReportSettings.work_start),
    _first_owners(ReportSettings.work_end),
    select(exists().where(*_ON_DUTY_NOW, User.work_days.is_not(None))).scalar_subquery(),
)


@dataclass(frozen=True)
class WorkingHours:
    """The company's hours when no owner chose them in /settings, and its time zone."""

    schedule: Schedule
    zone: ZoneInfo

    def open_at(self, now: datetime, schedule: Schedule | None = None) -> bool:
        chosen = schedule or self.schedule
        ranges = chosen.intervals(now, now + _TICK, self.zone)
        return any(opens <= now < closes for opens, closes in ranges)


@dataclass(frozen=True)
class Wanted:
    """What a strategy may look at in a request."""

    source: str = "telegram"
    language: str | None = None
    amount: Decimal | None = None
    detail: str | None = None
    customer_id: int | None = None


@dataclass
class Pick:
    user: User | None
    # Set when an owner got it: why no manager did, and every owner to tell.
    reason: str | None = None
    owners: list[User] = field(default_factory=list)


@dataclass(frozen=True)
class Rule:
    strategy: str = ROUND_ROBIN
    level_from: Decimal | None = None
    tag: str | None = None


@dataclass
class _Candidate:
    user: User
    open_deals: int
    given: int = 0

    @property
    def has_room(self) -> bool:
        capacity = self.user.capacity
        return capacity is None or self.open_deals + self.given < capacity


async def pick_assignee(
    session: AsyncSession,
    now: datetime,
    exclude: int | None = None,
    wanted: Wanted | None = None,
    hours: WorkingHours | None = None,
    strategy: str | None = None,
) -> Pick:
    [pick] = await pick_assignees(session, [wanted or Wanted()], now, exclude, hours, strategy)
    return pick


async def pick_assignees(
    session: AsyncSession,
    wanted: Sequence[Wanted],
    now: datetime,
    exclude: int | None = None,
    hours: WorkingHours | None = None,
    strategy: str | None = None,
) -> list[Pick]:
    """Who gets each of the requests received together, by the business's strategy unless
    another is given (a rule's). With no working hours given, any time is working time."""
    setup = (await session.execute(_SETUP)).one()
    rule = Rule(strategy or setup[0] or ROUND_ROBIN, setup[1], setup[2])
    params: dict[str, Any] = {
        "exclude": exclude or 0,
        "count": len(wanted),
        "off": [],
        "company_open": True,
    }
    if hours is not None:
        chosen = None if setup[3] is None else Schedule.from_mask(*setup[3:6])
        params["company_open"] = hours.open_at(now, chosen)
        open_own = 0
        if setup[6]:
            own = (await session.execute(_OWN_HOURS)).all()
            params["off"] = [
                user_id
                for user_id, days, start, end in own
                if not hours.open_at(now, Schedule.from_mask(days or 0, start or 0, end or 0))
            ]
            open_own = len(own) - len(params["off"])
        if not params["company_open"] and not open_own:
            return await to_owners(session, len(wanted), CLOSED, now)
    query = _NEXT_MANAGERS if rule.strategy == ROUND_ROBIN else _ALL_MANAGERS
    rows: list[tuple[User, int]] = []
    if is_postgres(session):
        # Requests arriving together go to different managers: a manager another worker is
        # assigning right now is skipped. The lock leaves the manager's key alone, so another
        # worker's new deal for the manager does not wait for it.
        locking = query.with_for_update(skip_locked=True, of=User, key_share=True)
        rows = list((await session.execute(locking, params)).all())
    free = {user.id for user, _ in rows}
    if not rows or (rule.strategy == ROUND_ROBIN and len(rows) < len(wanted)):
        # Fewer free than requests: the rest go on in turn, shared with the managers other
        # workers are assigning, not all to the few free ones.
        rows += [
            row for row in (await session.execute(query, params)).all() if row[0].id not in free
        ]
    # On PostgreSQL, what the locking read left out another worker is assigning: its place in
    # the turn is that worker's to set, without waiting for that worker to finish.
    elsewhere = set() if not is_postgres(session) else {u.id for u, _ in rows} - free
    if not rows:
        return await to_owners(session, len(wanted), await _why_nobody(session, params), now)
    if rule.strategy == BY_LANGUAGE:
        wanted = await _with_languages(session, wanted)
    turn = [_Candidate(user, int(open_deals)) for user, open_deals in rows]
    picks: list[Pick] = []
    for index, request in enumerate(wanted):
        candidate = _choose(turn, rule, request)
        if candidate is None:
            [pick] = await to_owners(session, 1, AT_CAPACITY, now)
            picks.append(pick)
            continue
        candidate.given += 1
        turn.remove(candidate)
        turn.append(candidate)
        # Each pick a tick later than the one before, so the next request continues the
        # turn where these left it.
        if candidate.user.id not in elsewhere:
            candidate.user.last_assigned_at = now + index * _TICK
        picks.append(Pick(candidate.user))
    return picks


async def _why_nobody(session: AsyncSession, params: dict[str, Any]) -> str:
    if not await session.scalar(_ON_DUTY, params):
        return NOBODY_ON_DUTY
    if not await session.scalar(_IN_HOURS_NOW, params):
        return CLOSED if not params["company_open"] else OFF_HOURS
    return AT_CAPACITY


def _choose(turn: list[_Candidate], rule: Rule, request: Wanted) -> _Candidate | None:
    free = [candidate for candidate in turn if candidate.has_room]
    if not free:
        return None
    if rule.strategy == FEWEST_OPEN:
        return min(free, key=lambda c: c.open_deals + c.given)
    preferred = free
    if rule.strategy == BY_LEVEL:
        threshold = rule.level_from
        if threshold is not None and request.amount is not None and request.amount >= threshold:
            top = max(candidate.user.level for candidate in free)
            preferred = [c for c in free if c.user.level == top]
    elif rule.strategy == BY_LANGUAGE and request.language:
        preferred = [c for c in free if request.language in c.user.languages.split()]
    elif rule.strategy == BY_TAG:
        looked_for = {request.source, request.detail, rule.tag} - {None, ""}
        preferred = [c for c in free if looked_for & set(c.user.tags.split())]
    return (preferred or free)[0]


async def _with_languages(session: AsyncSession, wanted: Sequence[Wanted]) -> list[Wanted]:
    unknown = {w.customer_id for w in wanted if w.language is None and w.customer_id}
    languages: dict[int, str | None] = {}
    if unknown:
        rows = await session.execute(
            select(Customer.id, User)
            .join(User, User.id == Customer.user_id)
            .where(Customer.id.in_(unknown))
        )
        languages = {customer_id: language_of(user) for customer_id, user in rows.all()}
    return [
        w
        if w.language is not None or w.customer_id is None
        else Wanted(w.source, languages.get(w.customer_id), w.amount, w.detail, w.customer_id)
        for w in wanted
    ]


def language_of(user: User) -> str | None:
    """The language a customer chose, else their Telegram's, when Axın speaks it."""
    if user.language in SUPPORTED_LOCALES:
        return user.language
    code = (user.tg_language or "").split("-")[0].lower()
    return code if code in SUPPORTED_LOCALES else None


async def to_owners(session: AsyncSession, count: int, reason: str, now: datetime) -> list[Pick]:
    owners = list(await session.scalars(_OWNERS))
    if not owners:
        return [Pick(None) for _ in range(count)]
    owners[0].last_assigned_at = now
    # An owner who works alone gets every request, and is not told so each time.
    why = reason if await session.scalar(_HAS_MANAGERS) else None
    return [Pick(owners[0], why, owners) for _ in range(count)]


def fallback_notices(pick: Pick, deal_id: int, now: datetime) -> list[outbox.QueuedRow]:
    """What tells the owners that a request came to an owner, and why."""
    if pick.reason is None:
        return []
    return [
        outbox.queued(
            chat_id=owner.tg_id,
            kind="no_manager",
            payload={"deal_id": deal_id, "reason": pick.reason, "user_id": pick.owners[0].id},
            dedupe_key=f"no_manager:{deal_id}:{owner.id}:{now.isoformat()}",
            now=now,
        )
        for owner in pick.owners
    ]
