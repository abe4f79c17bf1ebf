"""What a rule does: each action checked before any acts (a rule that cannot act is switched off,
not half done), then done in order, each change recorded as by the rule."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services import events, outbox
from services.assignment import (
    STRATEGIES,
    Pick,
    Wanted,
    WorkingHours,
    fallback_notices,
    pick_assignee,
    to_owners,
)
from services.db.customers import Customer
from services.db.deals import Deal, Stage
from services.db.engine import is_postgres
from services.db.rules import DealTag, WebhookPost
from services.db.tasks import Task
from services.db.users import User
from services.errors import InvalidInput
from services.field_kinds import from_json
from services.field_views import definitions
from services.field_writes import write
from services.rules.facts import Facts
from services.rules.happened import Happened
from services.rules.model import (
    ASSIGN,
    CUSTOMER,
    MESSAGE,
    MOVE,
    NEXT,
    OWNERS,
    RESPONSIBLE,
    SET_FIELD,
    SET_TAG,
    STAGE_ENTERED,
    STAGE_LEFT,
    TASK,
    WEBHOOK,
    Action,
)
from services.rules.timing import after_working

# Why a rule was switched off.
PERSON_GONE, STAGE_GONE, FIELD_GONE, FIELD_VALUE, STRATEGY = (
    "person_gone",
    "stage_gone",
    "field_gone",
    "field_value",
    "strategy",
)
# Why an owner got a deal from a rule: nobody took it in time.
NOT_TAKEN = "not_taken"


@dataclass(frozen=True)
class Acting:
    rule_id: int
    rule_name: str
    facts: Facts
    now: datetime
    hours: WorkingHours
    depth: int
    # False while a new request's manager is still to be told of it (by its intake).
    announced: bool = True

    @property
    def deal(self) -> Deal:
        return self.facts.deal


async def check_all(
    session: AsyncSession, actions: tuple[Action, ...], facts: Facts
) -> str | None:
    for action in actions:
        problem = await _check(session, action)
        if problem is not None:
            return problem
    return None


async def _check(session: AsyncSession, action: Action) -> str | None:
    if action.kind == ASSIGN:
        if "user" in action.params and await _staff(session, action.get("user")) is None:
            return PERSON_GONE
        if "strategy" in action.params and action.get("strategy") not in STRATEGIES:
            return STRATEGY
    elif action.kind == MOVE:
        stage = await session.get(Stage, action.get("stage"))
        if stage is None or stage.deleted_at is not None:
            return STAGE_GONE
    elif action.kind == TASK:
        to = action.get("to")
        if isinstance(to, int) and await _staff(session, to) is None:
            return PERSON_GONE
    elif action.kind == SET_FIELD:
        fields = {f.key: f for f in await definitions(session)}
        field = fields.get(action.get("field"))
        if field is None:
            return FIELD_GONE
        value = action.get("value")
        if value is not None:
            try:
                from_json(field, value)
            except InvalidInput:
                return FIELD_VALUE
    return None


async def _staff(session: AsyncSession, user_id: int) -> User | None:
    user = await session.get(User, user_id)
    if user is None or user.blocked:
        return None
    if user.role == "owner" or (user.role == "manager" and user.is_active):
        return user
    return None


async def perform(session: AsyncSession, action: Action, ctx: Acting) -> list[Happened]:
    """Do one action; answers what it changed that other rules may act on."""
    if action.kind == ASSIGN:
        await _assign(session, action, ctx)
    elif action.kind == MOVE:
        return await _move(session, action, ctx)
    elif action.kind == TASK:
        await _task(session, action, ctx)
    elif action.kind == MESSAGE:
        await _message(session, action, ctx)
    elif action.kind == SET_FIELD:
        return await _set_field(session, action, ctx)
    elif action.kind == SET_TAG:
        await _tag(session, action, ctx)
    elif action.kind == WEBHOOK:
        await _webhook(session, action, ctx)
    return []


async def _assign(session: AsyncSession, action: Action, ctx: Acting) -> None:
    deal = ctx.deal
    if deal.closed_at is not None:
        return
    pick: Pick
    if "user" in action.params:
        pick = Pick(await _staff(session, action.get("user")))
    elif action.get("to") == OWNERS:
        [pick] = await to_owners(session, 1, NOT_TAKEN, ctx.now)
    else:
        wanted = Wanted(
            deal.source, ctx.facts.language, deal.amount, deal.source_detail, deal.customer_id
        )
        exclude = deal.manager_id if action.get("to") == NEXT else None
        pick = await pick_assignee(
            session, ctx.now, exclude, wanted, ctx.hours, action.get("strategy")
        )
    target = pick.user
    if target is None or target.id == deal.manager_id:
        return
    previous = await session.get(User, deal.manager_id) if deal.manager_id else None
    await outbox.enqueue_all(session, fallback_notices(pick, deal.id, ctx.now))
    await _bump(session, deal, manager_id=target.id, taken_at=None)
    events.record(
        session,
        deal.id,
        None,
        "assigned",
        ctx.now,
        previous and previous.id,
        target.id,
        ctx.rule_id,
    )
    if not ctx.announced:
        return
    _tell(session, target, "deal_card", deal, ctx.now)
    if previous is not None:
        _tell(session, previous, "deal_handed_over", deal, ctx.now, user_id=target.id)


async def _move(session: AsyncSession, action: Action, ctx: Acting) -> list[Happened]:
    deal = ctx.deal
    stage = await session.get_one(Stage, action.get("stage"))
    if deal.closed_at is not None or stage.id == deal.stage_id:
        return []
    left = deal.stage_id
    closed = ctx.now if stage.kind in ("won", "lost") else None
    await _bump(session, deal, stage_id=stage.id, closed_at=closed)
    events.record(session, deal.id, None, "stage", ctx.now, left, stage.id, ctx.rule_id)
    if stage.notify_customer:
        customer = await _customer_user(session, deal)
        if customer is not None:
            _tell(session, customer, "stage_notice", deal, ctx.now, stage_id=stage.id)
    key = f"stage:{ctx.rule_id}:{ctx.now.isoformat()}"
    return [
        Happened(STAGE_LEFT, deal.id, key, {"stage": left}),
        Happened(STAGE_ENTERED, deal.id, key, {"stage": stage.id, "kind": stage.kind}),
    ]


async def _task(session: AsyncSession, action: Action, ctx: Acting) -> None:
    minutes = action.get("after_minutes", 0)
    due = (
        after_working(ctx.now, minutes, ctx.hours)
        if action.get("working")
        else ctx.now + timedelta(minutes=minutes)
    )
    for person in await _people(session, action.get("to"), ctx.deal):
        session.add(
            Task(
                kind="reminder",
                deal_id=ctx.deal.id,
                assignee_id=person.id,
                created_by=None,
                note=action.get("note", ""),
                due_at=max(due, ctx.now),
                created_at=ctx.now,
                calls=0,
                version=1,
            )
        )
        events.record(
            session,
            ctx.deal.id,
            None,
            "rule_task",
            ctx.now,
            person.id,
            due.isoformat(),
            ctx.rule_id,
        )


async def _message(session: AsyncSession, action: Action, ctx: Acting) -> None:
    to = action.get("to")
    readers = (
        ([user] if to == CUSTOMER and (user := await _customer_user(session, ctx.deal)) else [])
        if to == CUSTOMER
        else await _people(session, to, ctx.deal)
    )
    for reader in readers:
        outbox.enqueue(
            session,
            chat_id=reader.tg_id,
            kind="rule_message",
            payload={
                "deal_id": ctx.deal.id,
                "texts": dict(action.get("text")),
                "rule_id": ctx.rule_id,
            },
            dedupe_key=f"rule_message:{ctx.rule_id}:{ctx.deal.id}:{reader.id}:{ctx.now.isoformat()}",
            now=ctx.now,
        )
    if readers:
        events.record(session, ctx.deal.id, None, "rule_message", ctx.now, None, to, ctx.rule_id)


async def _set_field(session: AsyncSession, action: Action, ctx: Acting) -> list[Happened]:
    fields = {f.key: f for f in await definitions(session)}
    field = fields[action.get("field")]
    value = action.get("value")
    stored = None if value is None else from_json(field, value)
    return await write(session, None, ctx.deal, [(field, stored)], ctx.now, ctx.rule_id)


async def _tag(session: AsyncSession, action: Action, ctx: Acting) -> None:
    tag, deal = action.get("tag"), ctx.deal
    if action.get("remove"):
        if tag not in ctx.facts.tags:
            return
        await session.execute(
            delete(DealTag).where(DealTag.deal_id == deal.id, DealTag.tag == tag)
        )
        ctx.facts.tags.discard(tag)
        events.record(session, deal.id, None, "untagged", ctx.now, None, tag, ctx.rule_id)
        return
    if tag in ctx.facts.tags:
        return
    dialect = postgresql if is_postgres(session) else sqlite
    await session.execute(
        dialect.insert(DealTag).values(deal_id=deal.id, tag=tag).on_conflict_do_nothing()
    )
    ctx.facts.tags.add(tag)
    events.record(session, deal.id, None, "tagged", ctx.now, None, tag, ctx.rule_id)


async def _webhook(session: AsyncSession, action: Action, ctx: Acting) -> None:
    body = await deal_document(session, ctx)
    session.add(
        WebhookPost(
            rule_id=ctx.rule_id,
            url=action.get("url"),
            body=json.dumps(body, ensure_ascii=False, sort_keys=True),
            secret=action.get("secret"),
            attempts=0,
            next_attempt_at=ctx.now,
            created_at=ctx.now,
        )
    )
    events.record(
        session, ctx.deal.id, None, "webhook", ctx.now, None, action.get("url"), ctx.rule_id
    )


async def deal_document(session: AsyncSession, ctx: Acting) -> dict[str, object]:
    """The deal as JSON for a webhook's receiver; a delivery id lets it drop repeats."""
    deal = ctx.deal
    customer = await session.get_one(Customer, deal.customer_id)
    return {
        "delivery": secrets.token_hex(8),
        "rule": {"id": ctx.rule_id, "name": ctx.rule_name},
        "at": ctx.now.isoformat(),
        "deal": {
            "id": deal.id,
            "source": deal.source,
            "stage_id": deal.stage_id,
            "manager_id": deal.manager_id,
            "amount": None if deal.amount is None else str(deal.amount),
            "title": deal.title,
            "created_at": deal.created_at.isoformat(),
            "closed_at": deal.closed_at and deal.closed_at.isoformat(),
            "tags": sorted(ctx.facts.tags),
            "fields": dict(ctx.facts.fields),
        },
        "customer": {"id": customer.id, "name": customer.name, "phone": customer.phone},
    }


async def _people(session: AsyncSession, to: object, deal: Deal) -> list[User]:
    """The responsible manager (the owners when nobody is), the owners, or a named person."""
    if to == RESPONSIBLE and deal.manager_id is not None:
        manager = await _staff(session, deal.manager_id)
        if manager is not None:
            return [manager]
    if isinstance(to, int):
        person = await _staff(session, to)
        return [person] if person is not None else []
    owners = await session.scalars(
        select(User).where(User.role == "owner", User.blocked.is_(False)).order_by(User.id)
    )
    return list(owners)


async def _customer_user(session: AsyncSession, deal: Deal) -> User | None:
    user = await session.scalar(
        select(User)
        .join(Customer, Customer.user_id == User.id)
        .where(Customer.id == deal.customer_id)
    )
    return None if user is None or user.blocked else user


async def _bump(session: AsyncSession, deal: Deal, **values: object) -> None:
    """Change the deal and its version, so cards showing the old state refresh."""
    await session.execute(
        update(Deal)
        .where(Deal.id == deal.id)
        .values(version=Deal.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(deal)


def _tell(
    session: AsyncSession, user: User, kind: str, deal: Deal, now: datetime, **payload: int
) -> None:
    outbox.enqueue(
        session,
        chat_id=user.tg_id,
        kind=kind,
        payload={"deal_id": deal.id, **payload},
        dedupe_key=f"{kind}:{deal.id}:v{deal.version}:{user.id}",
        now=now,
    )
