"""What a rule does: each action checked before any acts (a rule that cannot act is switched off,
not half done), then done in order, each change recorded as by the rule."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from services import feedback_ask, outbox, stock, totals
from services.assignment import (
    NOT_TAKEN,
    STRATEGIES,
    Pick,
    Wanted,
    fallback_notices,
    pick_assignee,
    to_owners,
)
from services.db.customers import Customer
from services.db.deals import Deal
from services.db.rules import WebhookPost
from services.db.tasks import Task
from services.db.users import User
from services.errors import InvalidInput
from services.field_kinds import from_json
from services.field_writes import on_deal, write
from services.manager_notices import AMOUNT as AMOUNT_CHANGE
from services.manager_notices import HANDED_OVER, STAGE, by_rule, notices, redraw
from services.rules import discounting, standard
from services.rules.facts import Facts
from services.rules.happened import Happened
from services.rules.model import (
    AMOUNT,
    ASSIGN,
    CUSTOMER,
    DISCOUNT,
    MESSAGE,
    MOVE,
    NEXT,
    OWNERS,
    PERCENT,
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
from services.rules.work import Work
from services.totals import Off

# Why a rule was switched off.
PERSON_GONE, STAGE_GONE, FIELD_GONE, FIELD_VALUE, STRATEGY = (
    "person_gone",
    "stage_gone",
    "field_gone",
    "field_value",
    "strategy",
)


@dataclass(frozen=True)
class Acting:
    rule_id: int
    rule_name: str
    facts: Facts
    depth: int
    work: Work
    # False while a new request's manager is still to be told of it (by its intake).
    announced: bool = True

    @property
    def deal(self) -> Deal:
        return self.facts.deal

    @property
    def now(self) -> datetime:
        return self.work.now

    def record(self, kind: str, old: object, new: object) -> None:
        self.work.record(self.deal.id, kind, old, new, self.rule_id)


async def check_all(work: Work, actions: tuple[Action, ...]) -> str | None:
    """Why these actions cannot be done, if they cannot."""
    for action in actions:
        problem = await _check(work, action)
        if problem is not None:
            return problem
    return None


async def _check(work: Work, action: Action) -> str | None:
    if action.kind == ASSIGN:
        if "user" in action.params and await work.staff(action.get("user")) is None:
            return PERSON_GONE
        if "strategy" in action.params and action.get("strategy") not in STRATEGIES:
            return STRATEGY
    elif action.kind == MOVE:
        if await work.stage(action.get("stage")) is None:
            return STAGE_GONE
    elif action.kind in (TASK, MESSAGE):
        to = action.get("to")
        if isinstance(to, int) and await work.staff(to) is None:
            return PERSON_GONE
    elif action.kind == SET_FIELD:
        field = (await work.fields()).get(action.get("field"))
        if field is None:
            return FIELD_GONE
        value = action.get("value")
        if value is not None:
            try:
                from_json(field, value)
            except InvalidInput:
                return FIELD_VALUE
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
        await _message(action, ctx)
    elif action.kind == SET_FIELD:
        return await _set_field(session, action, ctx)
    elif action.kind == SET_TAG:
        _tag(action, ctx)
    elif action.kind == WEBHOOK:
        await _webhook(session, action, ctx)
    elif action.kind == DISCOUNT:
        return await _discount(session, action, ctx)
    return []


async def _assign(session: AsyncSession, action: Action, ctx: Acting) -> None:
    deal = ctx.deal
    if deal.closed_at is not None:
        return
    pick: Pick
    if "user" in action.params:
        pick = Pick(await ctx.work.staff(action.get("user")))
    elif action.get("to") == OWNERS:
        [pick] = await to_owners(session, 1, NOT_TAKEN, ctx.now)
    else:
        wanted = Wanted(
            deal.source, ctx.facts.language, deal.amount, deal.source_detail, deal.customer_id
        )
        exclude = deal.manager_id if action.get("to") == NEXT else None
        pick = await pick_assignee(
            session, ctx.now, exclude, wanted, ctx.work.hours, action.get("strategy")
        )
    target = pick.user
    if target is None or target.id == deal.manager_id:
        return
    previous = await session.get(User, deal.manager_id) if deal.manager_id else None
    ctx.work.queued += fallback_notices(pick, deal.id, ctx.now)
    await _bump(session, deal, manager_id=target.id, taken_at=None)
    ctx.record("assigned", previous and previous.id, target.id)
    if not ctx.announced:
        return
    _tell(ctx, target, "deal_card")
    if previous is not None and not previous.blocked:
        ctx.work.queued.append(redraw(previous.tg_id, deal.id, deal.version, ctx.now))
        _tell(ctx, previous, HANDED_OVER, user_id=target.id, rule_id=ctx.rule_id)


async def _move(session: AsyncSession, action: Action, ctx: Acting) -> list[Happened]:
    deal = ctx.deal
    stage = await ctx.work.stage(action.get("stage"))
    if stage is None or deal.closed_at is not None or stage.id == deal.stage_id:
        return []
    left = deal.stage_id
    closed = ctx.now if stage.kind in ("won", "lost") else None
    await _bump(session, deal, stage_id=stage.id, closed_at=closed)
    ctx.record("stage", left, stage.id)
    await _manager_told(ctx, STAGE, left, stage.id)
    held = await stock.moved(session, deal.id, stage, ctx.now, None)
    if held.change is not None:
        ctx.record(stock.EVENT, None, held.change)
    ctx.work.queued += held.notices
    customer = ctx.facts.customer
    if stage.notify_customer and customer is not None and await standard.notices_on(session):
        _tell(ctx, customer, "stage_notice", stage_id=stage.id)
        await standard.acted(session, standard.STAGE_NOTICES, ctx.now)
    ctx.work.queued += await feedback_ask.closed(session, deal, stage, ctx.now)
    key = f"stage:{ctx.rule_id}:{ctx.now.isoformat()}"
    return [
        Happened(STAGE_LEFT, deal.id, key, {"stage": left}),
        Happened(STAGE_ENTERED, deal.id, key, {"stage": stage.id, "kind": stage.kind}),
    ]


async def _task(session: AsyncSession, action: Action, ctx: Acting) -> None:
    minutes = action.get("after_minutes", 0)
    due = (
        after_working(ctx.now, minutes, ctx.work.hours)
        if action.get("working")
        else ctx.now + timedelta(minutes=minutes)
    )
    for person in await _people(action.get("to"), ctx):
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
        ctx.record("rule_task", person.id, due.isoformat())


async def _message(action: Action, ctx: Acting) -> None:
    to = action.get("to")
    if to == CUSTOMER:
        readers = [ctx.facts.customer] if ctx.facts.customer is not None else []
    else:
        readers = await _people(to, ctx)
    texts = dict(action.get("text"))
    for reader in readers:
        ctx.work.queued.append(
            outbox.queued(
                chat_id=reader.tg_id,
                kind="rule_message",
                payload={"deal_id": ctx.deal.id, "texts": texts, "rule_id": ctx.rule_id},
                dedupe_key=f"rule_message:{ctx.rule_id}:{ctx.deal.id}:{reader.id}:"
                f"{ctx.now.isoformat()}",
                now=ctx.now,
            )
        )
    if readers:
        ctx.record("rule_message", None, to)


async def _set_field(session: AsyncSession, action: Action, ctx: Acting) -> list[Happened]:
    field = (await ctx.work.fields())[action.get("field")]
    value = action.get("value")
    stored = None if value is None else from_json(field, value)
    return await write(session, None, on_deal(ctx.deal), [(field, stored)], ctx.now, ctx.rule_id)


def _tag(action: Action, ctx: Acting) -> None:
    tag, deal, work = action.get("tag"), ctx.deal, ctx.work
    pair = (deal.id, tag)
    if action.get("remove"):
        if tag not in ctx.facts.tags:
            return
        ctx.facts.tags.discard(tag)
        work.tagged = [row for row in work.tagged if (row["deal_id"], row["tag"]) != pair]
        work.untagged.append(pair)
        ctx.record("untagged", None, tag)
        return
    if tag in ctx.facts.tags:
        return
    ctx.facts.tags.add(tag)
    work.untagged = [gone for gone in work.untagged if gone != pair]
    work.tagged.append({"deal_id": deal.id, "tag": tag})
    ctx.record("tagged", None, tag)


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
    # The host only: a hook's path or query often is its password, and history is for staff.
    ctx.record("webhook", None, urlsplit(action.get("url")).hostname)


def off_of(action: Action) -> Off:
    """A discount action's percent of the deal, or amount of money off it."""
    if PERCENT in action.params:
        return Off(totals.PERCENT, Decimal(action.get(PERCENT)))
    return Off(totals.AMOUNT, Decimal(action.get(AMOUNT)))


async def _discount(session: AsyncSession, action: Action, ctx: Acting) -> list[Happened]:
    """On the whole deal; a closed deal is left as it is, and so is one with no items."""
    if ctx.deal.closed_at is not None:
        return []
    old = ctx.deal.amount
    happened = await discounting.give(session, ctx.work, ctx.deal, ctx.rule_id, off_of(action))
    if happened:
        await _manager_told(ctx, AMOUNT_CHANGE, old, ctx.deal.amount)
    return happened


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


async def _people(to: object, ctx: Acting) -> list[User]:
    """The responsible manager (the owners when nobody is), the owners, or a named person."""
    manager_id = ctx.deal.manager_id
    if to == RESPONSIBLE and manager_id is not None:
        manager = await ctx.work.staff(manager_id)
        if manager is not None:
            return [manager]
    if isinstance(to, int):
        person = await ctx.work.staff(to)
        return [person] if person is not None else []
    return await ctx.work.owners()


async def _bump(session: AsyncSession, deal: Deal, **values: object) -> None:
    """Change the deal and its version, so cards showing the old state refresh."""
    await session.execute(
        update(Deal)
        .where(Deal.id == deal.id)
        .values(version=Deal.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(deal)


async def _manager_told(ctx: Acting, change: str, old: object, new: object) -> None:
    """The deal's manager sees the change on their card and is told the rule made it."""
    deal = ctx.deal
    manager = await ctx.work.staff(deal.manager_id) if deal.manager_id else None
    if ctx.announced and manager is not None:
        who = by_rule(ctx.rule_id)
        ctx.work.queued += notices(manager, deal, deal.version, ctx.now, change, old, new, who)


def _tell(ctx: Acting, user: User, kind: str, **payload: int) -> None:
    deal = ctx.deal
    ctx.work.queued.append(
        outbox.queued(
            chat_id=user.tg_id,
            kind=kind,
            payload={"deal_id": deal.id, **payload},
            dedupe_key=f"{kind}:{deal.id}:v{deal.version}:{user.id}",
            now=ctx.now,
        )
    )
