"""Time rules: the moments they wait for, kept as rows (`rule_timers`) set when what they count
from happens, or for every deal it already happened to when the rule is made. The sweep claims
due rows (skipping rows another worker holds, on PostgreSQL), so each fires once across workers
and restarts; what fires goes through the same path as every other trigger."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.assignment import WorkingHours
from services.db.contracts import Contract
from services.db.deals import Deal, Event, Stage
from services.db.engine import is_postgres
from services.db.fields import FieldDef, FieldValue
from services.db.rules import RuleTimer
from services.db.tasks import Task
from services.rules.happened import Happened
from services.rules.loaded import Loaded
from services.rules.model import (
    CONTRACT_END,
    CREATED,
    DATE,
    FIELD_CHANGED,
    FIELD_PREFIX,
    IDLE,
    NO_RESPONSE,
    STAGE_ENTERED,
    TASK_OVERDUE,
    WON,
    Trigger,
)
from services.rules.timing import after_working, first_due, from_day

# Reported by services.contracts when a contract is recorded: date rules count from its end.
CONTRACT = "contract"
CURSOR = "cursor"
BATCH = 500


def _moment(
    trigger: Trigger, happening: Happened, now: datetime, hours: WorkingHours
) -> tuple[str, datetime | None] | None:
    """The timer a happening sets for a time rule: its key and moment (None: the rule's timers
    on the deal go). A date rule's key keeps the moment it counts from, for its repeats."""
    kind = trigger.kind
    if kind == NO_RESPONSE and happening.trigger == CREATED:
        return NO_RESPONSE, after_working(now, trigger.get("minutes"), hours)
    if kind == IDLE and happening.trigger in (CREATED, STAGE_ENTERED):
        # Set when a request opens, and again on each move: a deal reopened waits anew.
        return IDLE, now + timedelta(days=trigger.get("days"))
    if kind != DATE:
        return None
    of = trigger.get("of")
    anchor: datetime | None
    if of == WON and happening.trigger == STAGE_ENTERED and happening.detail.get("kind") == WON:
        anchor = now + timedelta(days=trigger.get("days"), hours=trigger.get("hours"))
    elif of == CONTRACT_END and happening.trigger == CONTRACT:
        anchor = _from_day(trigger, _day(happening.detail.get("ends_on")), hours)
    elif (
        of.startswith(FIELD_PREFIX)
        and happening.trigger == FIELD_CHANGED
        and happening.detail.get("field") == of[len(FIELD_PREFIX) :]
    ):
        anchor = _from_day(trigger, _day(happening.detail.get("new")), hours)
    else:
        return None
    due = None if anchor is None else upcoming(trigger, anchor, now, hours)
    if anchor is None or due is None:
        return DATE, None
    return date_key(anchor), due


def date_key(anchor: datetime) -> str:
    return f"{DATE}:{anchor.isoformat()}"


def anchor_of(key: str) -> datetime | None:
    try:
        return datetime.fromisoformat(key.removeprefix(f"{DATE}:"))
    except ValueError:
        return None


def upcoming(
    trigger: Trigger, anchor: datetime, after: datetime, hours: WorkingHours
) -> datetime | None:
    """The date rule's first moment not before `after`, from the moment it counts from."""
    try:
        return first_due(
            anchor, after, trigger.get("every_days", 0), trigger.get("every_months", 0), hours
        )
    except (OverflowError, ValueError):
        return None


def _from_day(trigger: Trigger, day: date | None, hours: WorkingHours) -> datetime | None:
    if day is None:
        return None
    try:
        return from_day(day, trigger.get("days"), trigger.get("hours"), hours)
    except (OverflowError, ValueError):
        return None


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


async def schedule(
    session: AsyncSession,
    rules: Sequence[Loaded],
    happened: Sequence[Happened],
    now: datetime,
    hours: WorkingHours,
) -> None:
    rows: list[dict[str, Any]] = []
    gone: list[tuple[int, int]] = []
    deals_of = await _customers_deals(session, rules, happened)
    for happening in happened:
        for rule in rules:
            found = _moment(rule.spec.trigger, happening, now, hours)
            if found is None:
                continue
            key, due = found
            customer = happening.detail.get("customer")
            deal_ids = deals_of.get(customer, []) if customer else [happening.deal_id]
            for deal_id in deal_ids:
                if rule.spec.trigger.kind == DATE or due is None:
                    # A date rule waits for one moment per deal: a new one replaces the old.
                    gone.append((rule.rule_id, deal_id))
                if due is not None:
                    rows.append(_row(rule, deal_id, key, due))
    for rule_id, deal_id in gone:
        await session.execute(
            delete(RuleTimer).where(RuleTimer.rule_id == rule_id, RuleTimer.deal_id == deal_id)
        )
    await upsert(session, rows)


async def _customers_deals(
    session: AsyncSession, rules: Sequence[Loaded], happened: Sequence[Happened]
) -> dict[int, list[int]]:
    """The deals of each customer whose date field a date rule counts from changed: the
    rule's timers move on every one of their deals, as they were set for all of them."""
    fields = {
        rule.spec.trigger.get("of")[len(FIELD_PREFIX) :]
        for rule in rules
        if rule.spec.trigger.kind == DATE and rule.spec.trigger.get("of").startswith(FIELD_PREFIX)
    }
    customers = {
        h.detail["customer"]
        for h in happened
        if h.trigger == FIELD_CHANGED and h.detail.get("customer") and h.detail["field"] in fields
    }
    if not customers:
        return {}
    deals_of: dict[int, list[int]] = {}
    for deal_id, customer_id in await session.execute(
        select(Deal.id, Deal.customer_id).where(Deal.customer_id.in_(customers))
    ):
        deals_of.setdefault(customer_id, []).append(deal_id)
    return deals_of


async def upsert(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Set each timer, moving one the deal already has for the rule."""
    if not rows:
        return
    dialect = postgresql if is_postgres(session) else sqlite
    statement = dialect.insert(RuleTimer)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["rule_id", "deal_id", "event_key"],
            set_={"due_at": statement.excluded.due_at},
        ),
        list(rows),
    )


async def backfill(
    session: AsyncSession, rule: Loaded, now: datetime, hours: WorkingHours
) -> None:
    """When a time rule is made or switched on: the timers of the deals it already applies to."""
    trigger = rule.spec.trigger
    rows: list[dict[str, Any]] = []
    if trigger.kind == NO_RESPONSE:
        deals = await session.execute(
            select(Deal.id, Deal.created_at).where(
                Deal.closed_at.is_(None), Deal.taken_at.is_(None)
            )
        )
        rows = [
            _row(rule, deal_id, NO_RESPONSE, after_working(created, trigger.get("minutes"), hours))
            for deal_id, created in deals.all()
        ]
    elif trigger.kind == IDLE:
        days = timedelta(days=trigger.get("days"))
        deals = await session.execute(
            select(Deal.id, Deal.last_activity_at).where(Deal.closed_at.is_(None))
        )
        rows = [
            _row(rule, deal_id, IDLE, max(active + days, now)) for deal_id, active in deals.all()
        ]
    elif trigger.kind == TASK_OVERDUE:
        cursor = RuleTimer(rule_id=rule.rule_id, event_key=CURSOR, due_at=now, seen_until=now)
        session.add(cursor)
    elif trigger.kind == DATE:
        for deal_id, anchor in await dates_of(session, trigger, hours):
            due = upcoming(trigger, anchor, now, hours)
            if due is not None:
                rows.append(_row(rule, deal_id, date_key(anchor), due))
    for start in range(0, len(rows), BATCH):
        await upsert(session, rows[start : start + BATCH])


def _row(rule: Loaded, deal_id: int, key: str, due: datetime) -> dict[str, Any]:
    return {"rule_id": rule.rule_id, "deal_id": deal_id, "event_key": key, "due_at": due}


async def dates_of(
    session: AsyncSession, trigger: Trigger, hours: WorkingHours
) -> list[tuple[int, datetime]]:
    """Each deal's moment a date rule counts from: its offset from the contract's end (an
    active contract), the win or a date field (a customer's: each of their deals)."""
    of = trigger.get("of")
    if of == CONTRACT_END:
        contracts = await session.execute(
            select(Contract.deal_id, Contract.ends_on).where(Contract.status == "active")
        )
        ends_on = [(deal_id, _from_day(trigger, ends, hours)) for deal_id, ends in contracts.all()]
        return [(deal_id, anchor) for deal_id, anchor in ends_on if anchor is not None]
    if of == WON:
        won = await session.execute(
            select(Deal.id, Deal.closed_at)
            .join(Stage, Stage.id == Deal.stage_id)
            .where(Stage.kind == WON, Deal.closed_at.is_not(None))
        )
        offset = timedelta(days=trigger.get("days"), hours=trigger.get("hours"))
        return [(deal_id, closed + offset) for deal_id, closed in won.all() if closed]
    key = of[len(FIELD_PREFIX) :]
    values = await session.execute(
        select(FieldValue.object_id, FieldValue.entity, FieldValue.value)
        .join(FieldDef, FieldDef.id == FieldValue.field_id)
        .where(FieldDef.key == key, FieldDef.kind == "date")
    )
    rows = values.all()
    customers = {object_id for object_id, entity, _ in rows if entity != "deal"}
    deals_of: dict[int, list[int]] = {}
    if customers:
        # Every deal of the customers whose field is filled, in one query.
        for deal_id, customer_id in await session.execute(
            select(Deal.id, Deal.customer_id).where(Deal.customer_id.in_(customers))
        ):
            deals_of.setdefault(customer_id, []).append(deal_id)
    found: list[tuple[int, datetime]] = []
    for object_id, entity, value in rows:
        anchor = _from_day(trigger, _day(value), hours)
        if anchor is not None:
            deal_ids = [object_id] if entity == "deal" else deals_of.get(object_id, [])
            found += [(deal_id, anchor) for deal_id in deal_ids]
    return found


async def claim_due(session: AsyncSession, now: datetime, limit: int = BATCH) -> list[RuleTimer]:
    query = (
        select(RuleTimer).where(RuleTimer.due_at <= now).order_by(RuleTimer.due_at).limit(limit)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    return list(await session.scalars(query))


async def first_response(session: AsyncSession, deal_id: int) -> bool:
    return (
        await session.scalar(
            select(Event.id)
            .where(Event.deal_id == deal_id, Event.kind == "first_response")
            .limit(1)
        )
    ) is not None


async def overdue_tasks(
    session: AsyncSession, since: datetime, until: datetime, minutes: int, limit: int
) -> list[tuple[int, int, datetime]]:
    """Open tasks on deals that became overdue (plus `minutes`) in (since, until]."""
    late = timedelta(minutes=minutes)
    rows = await session.execute(
        select(Task.id, Task.deal_id, Task.due_at)
        .where(
            Task.done_at.is_(None),
            Task.deal_id.is_not(None),
            Task.due_at > since - late,
            Task.due_at <= until - late,
        )
        .order_by(Task.due_at, Task.id)
        .limit(limit)
    )
    return [(task_id, deal_id, due) for task_id, deal_id, due in rows.all() if deal_id is not None]
