"""A business with fields and rules touching every part the rules file writes differently from
the stored form, for the rules file's tests."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import fields
from services.access import Actor
from services.clock import ManualClock
from services.db.deals import Event, Stage
from services.db.fields import FieldDef
from services.db.rules import Rule, RuleTimer
from services.rules import manage, standard
from tests.support.seed import actor, add_user

DEFAULTS = standard.Defaults(
    timedelta(minutes=15), timedelta(hours=2), (30, 7, 1), timedelta(hours=24)
)
DELIVERY_TEXT = "Hello {customer}!\nYour order #{number} ships on {field.delivery_date}."


async def stage_id(session: AsyncSession, name: str) -> int:
    stages = await session.scalars(select(Stage))
    return next(s.id for s in stages if s.names["en"] == name)


async def business(session: AsyncSession, clock: ManualClock) -> tuple[Actor, Actor]:
    """An owner (user 1), a manager (user 2), three fields and four rules touching every part
    the file writes differently from the stored form."""
    owner = actor(await add_user(session, 1, "owner", clock))
    manager = actor(await add_user(session, 10, "manager", clock))
    now = clock.now()
    await fields.add(
        session, owner, "deal", "date", {"en": "Delivery date", "ru": "Дата доставки"}, None, now
    )
    await fields.add(
        session,
        owner,
        "deal",
        "choice",
        {"en": "Payment", "az": "Ödəniş", "ru": "Оплата"},
        "Cash / Nağd / Наличные\nCard",
        now,
    )
    vip = await fields.add(session, owner, "customer", "yes_no", {"en": "VIP"}, None, now)
    await fields.switch(session, owner, vip.field_id)
    proposal = await stage_id(session, "Proposal")
    invoice = await stage_id(session, "Invoice sent")
    first = await manage.create(
        session,
        owner,
        {
            "name": "Proposal follow-up",
            "when": {"event": "stage_entered", "stage": proposal},
            "if": [
                {"fact": "amount", "op": "ge", "value": 1000},
                {"fact": "stage", "op": "in", "value": [proposal, invoice]},
                {"fact": "field:payment", "op": "eq", "value": "card"},
            ],
            "then": [
                {"do": "task", "to": manager.user_id, "after_minutes": 120, "note": "Call"},
                {"do": "message", "to": "customer", "text": {"en": DELIVERY_TEXT, "ru": "Привет"}},
                {"do": "move", "stage": invoice},
                {"do": "webhook", "url": "https://example.com/hook"},
                {"do": "set_field", "field": "delivery_date", "value": "2026-04-01"},
                {"do": "tag", "tag": "#Hot"},
            ],
        },
        now,
    )
    await manage.create(
        session,
        owner,
        {
            "name": "Telegram to the manager",
            "when": {"event": "created", "sources": ["telegram"]},
            "then": [{"do": "assign", "user": manager.user_id}],
        },
        now,
    )
    await manage.create(
        session,
        owner,
        {
            "name": "Tell the owners",
            "when": {"event": "rule_acted", "rule": first.rule_id},
            "then": [{"do": "message", "to": "owners", "text": "A proposal went out"}],
        },
        now,
    )
    await manage.create(
        session,
        owner,
        {
            "name": "Service visit",
            "enabled": False,
            "when": {"event": "date", "of": "field:delivery_date", "days": 30, "every_months": 6},
            "then": [{"do": "task", "to": "owners", "working": True}],
        },
        now,
    )
    return owner, manager


async def forget_everything(session: AsyncSession) -> None:
    """The same people and stages with no fields and no rules: an empty business."""
    for table in (Event, RuleTimer, Rule, FieldDef):
        await session.execute(delete(table))
    await session.commit()


async def webhook_keys(session: AsyncSession) -> list[str]:
    rules = await session.scalars(
        select(Rule).where(Rule.deleted_at.is_(None)).order_by(Rule.position)
    )
    return [a["secret"] for r in rules for a in r.actions if a.get("do") == "webhook"]
