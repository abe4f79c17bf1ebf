"""Nothing waits unseen, a standard rule: a request nobody has taken or answered within N working
minutes (the response SLA until an owner changes it) goes to the next manager on duty; still
waiting after 2N, to the owners. Each step is in the deal's history as the standard rule's, the
new holder gets the card, the one before is told it was handed over, and the owners why it
came to them. A sweep that was away moves a request straight to where it should be by now; a
request two weeks old is left where it is."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import events, outbox
from services.access import OWNER
from services.assignment import (
    NOT_TAKEN,
    Pick,
    Wanted,
    WorkingHours,
    fallback_notices,
    pick_assignee,
    to_owners,
)
from services.company import company_hours
from services.db.deals import Deal, Event
from services.db.engine import is_postgres
from services.db.users import User
from services.manager_notices import HANDED_OVER, redraw
from services.rules import standard
from services.rules.timing import after_working

BATCH = 200
# Requests older than this are not looked at any more: the sweep reads only recent ones, however
# many old requests were answered without anyone pressing Take.
LOOK_BACK = timedelta(days=14)
# How far a request went: to the next manager, then to the owners.
NEXT_MANAGER, OWNERS = 1, 2


async def escalation_sweep(session: AsyncSession, now: datetime, sla: timedelta) -> int:
    """Commits; answers how many requests moved on."""
    rule = await standard.current(session, standard.ESCALATION, standard.in_minutes(sla))
    if not rule.enabled:
        await session.rollback()
        return 0
    minutes = rule.value[0]
    answered = exists().where(Event.deal_id == Deal.id, Event.kind == "first_response")
    query = (
        select(Deal)
        .where(
            Deal.closed_at.is_(None),
            Deal.taken_at.is_(None),
            Deal.escalated < OWNERS,
            Deal.created_at <= now - timedelta(minutes=minutes),
            Deal.created_at > now - LOOK_BACK,
            ~answered,
        )
        .order_by(Deal.created_at, Deal.id)
        .limit(BATCH)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True, of=Deal)
    hours = await company_hours(session)
    moved = 0
    for deal in (await session.scalars(query)).all():
        step = 0
        if after_working(deal.created_at, 2 * minutes, hours) <= now:
            step = OWNERS
        elif after_working(deal.created_at, minutes, hours) <= now:
            step = NEXT_MANAGER
        if step > deal.escalated:
            await _move_on(session, deal, step, minutes, now, hours)
            moved += 1
    await standard.acted(session, standard.ESCALATION, now, moved)
    await session.commit()
    return moved


async def _move_on(
    session: AsyncSession,
    deal: Deal,
    step: int,
    minutes: int,
    now: datetime,
    hours: WorkingHours,
) -> None:
    pick = Pick(None)
    if step == NEXT_MANAGER:
        # The next manager as assignment chooses one: on duty, within their working hours.
        wanted = Wanted(deal.source, None, deal.amount, deal.source_detail, deal.customer_id)
        pick = await pick_assignee(session, now, deal.manager_id, wanted, hours)
    if pick.user is None or pick.user.id == deal.manager_id or pick.user.role == OWNER:
        step = OWNERS
        [pick] = await to_owners(session, 1, NOT_TAKEN, now)
    deal.escalated = step
    events.record(session, deal.id, None, "not_taken", now, None, minutes * step)
    target = pick.user
    if target is None or target.id == deal.manager_id:
        return
    previous = await session.get(User, deal.manager_id) if deal.manager_id else None
    deal.manager_id, deal.version = target.id, deal.version + 1
    events.record(session, deal.id, None, "assigned", now, previous and previous.id, target.id)
    rows = fallback_notices(pick, deal.id, now) if step == OWNERS else []
    rows.append(_notice(target, "deal_card", deal, now))
    if previous is not None and not previous.blocked:
        rows.append(redraw(previous.tg_id, deal.id, deal.version, now))
        rows.append(_notice(previous, HANDED_OVER, deal, now, user_id=target.id))
    await outbox.enqueue_all(session, rows)


def _notice(user: User, kind: str, deal: Deal, now: datetime, **payload: int) -> outbox.QueuedRow:
    return outbox.queued(
        chat_id=user.tg_id,
        kind=kind,
        payload={"deal_id": deal.id, **payload},
        dedupe_key=f"{kind}:{deal.id}:v{deal.version}:{user.id}",
        now=now,
    )
