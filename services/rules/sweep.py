"""The time rules' sweep: fire what came due, once, and set each timer's next moment."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.assignment import WorkingHours
from services.company import company_hours
from services.contracts import ACTIVE
from services.db.contracts import Contract
from services.db.deals import Deal, Stage
from services.db.rules import RuleTimer
from services.rules.engine import fire
from services.rules.happened import Happened
from services.rules.loaded import Loaded, enabled_rules
from services.rules.model import CONTRACT_END, DATE, IDLE, NO_RESPONSE, TASK_OVERDUE, TIMED, WON
from services.rules.timers import (
    BATCH,
    anchor_of,
    claim_due,
    first_response,
    overdue_tasks,
    upcoming,
)

# How often a rule on overdue tasks looks again.
CURSOR_STEP = timedelta(minutes=1)
_TICK = timedelta(microseconds=1)


async def sweep(session: AsyncSession, now: datetime, limit: int = BATCH) -> int:
    """Commits; answers how many timers came due."""
    due = await claim_due(session, now, limit)
    if not due:
        await session.rollback()
        return 0
    rules = {rule.rule_id: rule for rule in await enabled_rules(session)}
    # The deals of every due timer in one query, not one each.
    deals = {
        deal.id: deal
        for deal in await session.scalars(
            select(Deal).where(Deal.id.in_({t.deal_id for t in due if t.deal_id}))
        )
    }
    hours = await company_hours(session)
    happened: list[Happened] = []
    for timer in due:
        rule = rules.get(timer.rule_id)
        if rule is None or rule.spec.trigger.kind not in TIMED:
            await session.delete(timer)
            continue
        happened += await _came(session, rule, timer, deals, now, limit, hours)
    await fire(session, happened, now)
    await session.commit()
    return len(due)


async def _came(
    session: AsyncSession,
    rule: Loaded,
    timer: RuleTimer,
    deals: dict[int, Deal],
    now: datetime,
    limit: int,
    hours: WorkingHours,
) -> list[Happened]:
    trigger = rule.spec.trigger
    mark = {"rule": rule.rule_id}
    if trigger.kind == TASK_OVERDUE:
        since = timer.seen_until or now
        late = await overdue_tasks(session, since, now, trigger.get("minutes"), limit)
        full = len(late) == limit
        timer.seen_until = late[-1][2] + timedelta(minutes=trigger.get("minutes")) if full else now
        timer.due_at = now if full else now + CURSOR_STEP
        return [
            Happened(TASK_OVERDUE, deal_id, f"task:{task_id}:{due.isoformat()}", mark)
            for task_id, deal_id, due in late
        ]
    deal = deals.get(timer.deal_id) if timer.deal_id is not None else None
    if deal is None or (deal.closed_at is not None and trigger.kind != DATE):
        await session.delete(timer)
        return []
    if trigger.kind == NO_RESPONSE:
        await session.delete(timer)
        if deal.taken_at is not None or await first_response(session, deal.id):
            return []
        return [Happened(NO_RESPONSE, deal.id, NO_RESPONSE, mark)]
    if trigger.kind == IDLE:
        quiet_until = deal.last_activity_at + timedelta(days=trigger.get("days"))
        if quiet_until > now:
            timer.due_at = quiet_until
            return []
        timer.due_at = now + timedelta(days=trigger.get("days"))
        return [Happened(IDLE, deal.id, f"idle:{deal.last_activity_at.isoformat()}", mark)]
    return await _date_came(session, rule, timer, deal, now, hours)


async def _date_came(
    session: AsyncSession,
    rule: Loaded,
    timer: RuleTimer,
    deal: Deal,
    now: datetime,
    hours: WorkingHours,
) -> list[Happened]:
    """Fired while what it counts from still holds (the contract active, the deal won); the
    next repeat is the first one after now: a sweep that was away catches up once."""
    trigger = rule.spec.trigger
    anchor = anchor_of(timer.event_key)
    following = None if anchor is None else upcoming(trigger, anchor, now + _TICK, hours)
    key = f"date:{timer.due_at.isoformat()}"
    if following is None:
        await session.delete(timer)
    else:
        timer.due_at = following
    if not await _still_holds(session, trigger.get("of"), deal):
        return []
    return [Happened(DATE, deal.id, key, {"rule": rule.rule_id})]


async def _still_holds(session: AsyncSession, of: str, deal: Deal) -> bool:
    if of == WON:
        kind = await session.scalar(select(Stage.kind).where(Stage.id == deal.stage_id))
        return kind == WON and deal.closed_at is not None
    if of == CONTRACT_END:
        status = await session.scalar(select(Contract.status).where(Contract.deal_id == deal.id))
        return status == ACTIVE
    return True
