"""🧪 Try on the past: which deals a rule would have acted on in the last days, and when. What
happened is read back from the history (deals made, events, messages, tasks, contracts, runs);
conditions are judged by the deals as they are now. Nothing is written: the session is rolled
back whatever happens."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import Actor, require_owner
from services.assignment import WorkingHours
from services.company import company_hours
from services.db.deals import Deal, Event, Message
from services.db.documents import Document, Payment
from services.db.feedback import Feedback
from services.db.fields import FieldDef
from services.db.rules import RuleRun
from services.db.tasks import Task
from services.field_kinds import FIELD_EVENT
from services.rules import manage
from services.rules import model as m
from services.rules.engine import matches
from services.rules.facts import facts_of_all, holds
from services.rules.happened import Happened
from services.rules.loaded import Loaded
from services.rules.timers import dates_of, upcoming
from services.rules.timing import after_working

DAYS = 30
# Time rules may count from a moment this long before the window (a request made on Friday
# evening, not answered by Monday).
_LEAD = timedelta(days=14)
_TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class Match:
    deal_id: int
    at: datetime
    actions: tuple[m.Action, ...]


@dataclass(frozen=True)
class _Moment:
    at: datetime
    happened: Happened


async def try_on_past(
    session: AsyncSession,
    actor: Actor,
    rule: m.RuleSpec | int,
    now: datetime,
    days: int = DAYS,
) -> list[Match]:
    """Each time the rule would have acted in the last `days`, newest first."""
    require_owner(actor)
    try:
        if isinstance(rule, int):
            loaded = Loaded(rule, "", (await manage.detail(session, actor, rule)).spec)
        else:
            loaded = Loaded(0, rule.name, rule)
        return await _matches(session, loaded, now, days)
    finally:
        await session.rollback()


async def _matches(session: AsyncSession, rule: Loaded, now: datetime, days: int) -> list[Match]:
    hours = await company_hours(session)
    since = now - timedelta(days=days)
    found = []
    seen: set[tuple[int, str]] = set()
    moments = [
        moment
        for moment in await _moments(session, rule, since, now, hours)
        if since <= moment.at <= now and matches(rule, moment.happened)
    ]
    facts = await facts_of_all(session, {moment.happened.deal_id for moment in moments})
    for moment in moments:
        happening = moment.happened
        if (happening.deal_id, happening.key) in seen:
            continue
        deal_facts = facts[happening.deal_id]
        if all(holds(c, deal_facts, moment.at, hours) for c in rule.spec.conditions):
            seen.add((happening.deal_id, happening.key))
            found.append(Match(happening.deal_id, moment.at, rule.spec.actions))
    found.sort(key=lambda match: (match.at, match.deal_id), reverse=True)
    return found


async def _moments(
    session: AsyncSession, rule: Loaded, since: datetime, now: datetime, hours: WorkingHours
) -> list[_Moment]:
    trigger = rule.spec.trigger
    kind = trigger.kind
    if kind == m.CREATED:
        made = await session.execute(
            select(Deal.id, Deal.created_at, Deal.source).where(Deal.created_at >= since)
        )
        return [
            _Moment(at, Happened(kind, deal_id, kind, {"source": source}))
            for deal_id, at, source in made.all()
        ]
    if kind in (m.STAGE_ENTERED, m.STAGE_LEFT):
        return await _stage_moments(session, kind, since)
    if kind in (m.FIELD_CHANGED, m.CROSSED):
        return await _field_moments(session, kind, since)
    if kind == m.QUOTE_ACCEPTED:
        accepted = await session.execute(
            select(Document.id, Document.deal_id, Document.accepted_at).where(
                Document.kind == "quote", Document.accepted_at >= since
            )
        )
        return [
            _Moment(at, Happened(kind, deal_id, f"accepted:{document_id}"))
            for document_id, deal_id, at in accepted.all()
            if at is not None
        ]
    if kind == m.PAYMENT_RECEIVED:
        received = await session.execute(
            select(Payment.id, Payment.deal_id, Payment.created_at, Payment.amount).where(
                Payment.created_at >= since
            )
        )
        return [
            _Moment(at, Happened(kind, deal_id, f"payment:{payment_id}", {"amount": str(amount)}))
            for payment_id, deal_id, at, amount in received.all()
        ]
    if kind == m.RATED:
        rated = await session.execute(
            select(Feedback.deal_id, Feedback.rated_at, Feedback.rating).where(
                Feedback.rated_at >= since
            )
        )
        return [
            _Moment(at, Happened(kind, deal_id, f"rated:{deal_id}", {"rating": rating}))
            for deal_id, at, rating in rated.all()
            if at is not None
        ]
    if kind == m.CUSTOMER_WROTE:
        written = await session.execute(
            select(Message.id, Message.deal_id, Message.created_at)
            .join(Deal, Deal.id == Message.deal_id)
            .where(
                Message.direction == "in",
                Message.created_at >= since,
                # What came with the request made it; what came after was written to it.
                Message.created_at > Deal.created_at,
            )
        )
        return [
            _Moment(at, Happened(kind, deal_id, f"message:{message_id}"))
            for message_id, deal_id, at in written.all()
        ]
    if kind == m.RULE_ACTED:
        runs = await session.execute(
            select(RuleRun.id, RuleRun.rule_id, RuleRun.deal_id, RuleRun.created_at).where(
                RuleRun.ok.is_(True), RuleRun.created_at >= since
            )
        )
        return [
            _Moment(at, Happened(kind, deal_id, f"run:{run_id}", {"rule": rule_id}, 0, rule_id))
            for run_id, rule_id, deal_id, at in runs.all()
        ]
    timed = {"rule": rule.rule_id}
    if kind == m.NO_RESPONSE:
        return await _unanswered(session, trigger, since, now, hours, timed)
    if kind == m.IDLE:
        quiet = timedelta(days=trigger.get("days"))
        open_deals = await session.execute(
            select(Deal.id, Deal.last_activity_at).where(
                Deal.closed_at.is_(None), Deal.last_activity_at >= since - quiet
            )
        )
        return [
            _Moment(active + quiet, Happened(kind, deal_id, m.IDLE, timed))
            for deal_id, active in open_deals.all()
        ]
    if kind == m.TASK_OVERDUE:
        late = timedelta(minutes=trigger.get("minutes"))
        tasks = await session.execute(
            select(Task.id, Task.deal_id, Task.due_at, Task.done_at).where(
                Task.deal_id.is_not(None), Task.due_at >= since - late, Task.due_at <= now - late
            )
        )
        return [
            _Moment(due + late, Happened(kind, deal_id, f"task:{task_id}", timed))
            for task_id, deal_id, due, done in tasks.all()
            if deal_id is not None and (done is None or done > due + late)
        ]
    return [
        _Moment(at, Happened(kind, deal_id, f"date:{at.isoformat()}", timed))
        for deal_id, first in await dates_of(session, trigger, hours)
        for at in _repeats(trigger, first, since, now, hours)
    ]


async def _stage_moments(session: AsyncSession, kind: str, since: datetime) -> list[_Moment]:
    rows = await session.execute(
        select(Event.id, Event.deal_id, Event.created_at, Event.from_value, Event.to_value).where(
            Event.kind.in_(("stage", "reopened")),
            Event.deal_id.is_not(None),
            Event.created_at >= since,
        )
    )
    moments = []
    for event_id, deal_id, at, left, entered in rows.all():
        stage = entered if kind == m.STAGE_ENTERED else left
        if deal_id is not None and stage is not None and stage.isdigit():
            moments.append(
                _Moment(at, Happened(kind, deal_id, f"event:{event_id}", {"stage": int(stage)}))
            )
    return moments


async def _field_moments(session: AsyncSession, kind: str, since: datetime) -> list[_Moment]:
    keys = {
        f"{FIELD_EVENT}{field_id}": key
        for field_id, key in (await session.execute(select(FieldDef.id, FieldDef.key))).all()
    }
    rows = await session.execute(
        select(
            Event.id, Event.deal_id, Event.kind, Event.created_at, Event.from_value, Event.to_value
        ).where(
            (Event.kind == m.AMOUNT) | Event.kind.startswith(FIELD_EVENT),
            Event.deal_id.is_not(None),
            Event.created_at >= since,
        )
    )
    moments = []
    for event_id, deal_id, event_kind, at, old, new in rows.all():
        key = m.AMOUNT if event_kind == m.AMOUNT else keys.get(event_kind)
        if deal_id is None or key is None:
            continue
        detail = {"field": key, "old": old, "new": new}
        moments.append(_Moment(at, Happened(kind, deal_id, f"event:{event_id}", detail)))
    return moments


async def _unanswered(
    session: AsyncSession,
    trigger: m.Trigger,
    since: datetime,
    now: datetime,
    hours: WorkingHours,
    timed: dict[str, int],
) -> list[_Moment]:
    """Requests whose first answer came after the working minutes had passed, or never."""
    answered = (
        select(Event.deal_id, Event.created_at)
        .where(Event.kind == "first_response", Event.deal_id.is_not(None))
        .subquery()
    )
    rows = await session.execute(
        select(Deal.id, Deal.created_at, answered.c.created_at)
        .outerjoin(answered, answered.c.deal_id == Deal.id)
        .where(Deal.created_at >= since - _LEAD)
    )
    moments = []
    for deal_id, created, first in rows.all():
        due = after_working(created, trigger.get("minutes"), hours)
        if due <= now and (first is None or first > due):
            moments.append(_Moment(due, Happened(m.NO_RESPONSE, deal_id, m.NO_RESPONSE, timed)))
    return moments


def _repeats(
    trigger: m.Trigger, first: datetime, since: datetime, now: datetime, hours: WorkingHours
) -> Iterator[datetime]:
    """The moments from `first` on, repeated as the rule says, that fall in [since, now]."""
    moment = upcoming(trigger, first, since, hours)
    while moment is not None and moment <= now:
        yield moment
        moment = upcoming(trigger, first, moment + _TICK, hours)
