"""Deal lists for staff: open deals page by page with filters, and /find by number, name, phone."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from services import field_views, outbox, stages
from services.access import Actor, require_staff
from services.db.customers import Customer
from services.db.deals import Deal, Stage
from services.db.fields import FieldDef, FieldValue
from services.db.users import User
from services.errors import NotFound
from services.field_kinds import CUSTOMER, DEAL, TEXT, Shown
from services.ids import is_id
from services.users import full_name

PAGE_SIZE = 8
FIND_LIMIT = 20
IDLE_AFTER = timedelta(days=3)
MIN_PHONE_DIGITS = 3
# E.164 numbers have at most 15 digits; a national trunk prefix ("0") adds one.
MAX_PHONE_DIGITS = 16
_NUMBER = re.compile(r"^#?\s*(\d{1,10})$")


@dataclass(frozen=True)
class DealRow:
    deal_id: int
    customer_name: str
    phone: str | None
    stage_names: dict[str, str]
    stage_kind: str
    amount: Decimal | None
    manager_name: str | None
    last_activity_at: datetime
    customer_id: int
    # The active fields filled in on the deal, then on its customer (shown by /find).
    fields: tuple[Shown, ...] = ()


@dataclass(frozen=True)
class DealList:
    rows: list[DealRow]
    total: int
    page: int
    pages: int
    everyone: bool
    stage: stages.StageView | None
    idle: bool


def _rows_query(actor: Actor) -> Select[Deal, Customer, Stage, User]:
    """Deals this actor may open: the owner's are everyone's, a manager's their own."""
    manager = aliased(User)
    query = (
        select(Deal, Customer, Stage, manager)
        .join(Customer, Customer.id == Deal.customer_id)
        .join(Stage, Stage.id == Deal.stage_id)
        .outerjoin(manager, manager.id == Deal.manager_id)
    )
    if not actor.is_owner:
        query = query.where(Deal.manager_id == actor.user_id)
    return query


def _row(deal: Deal, customer: Customer, stage: Stage, manager: User | None) -> DealRow:
    return DealRow(
        deal_id=deal.id,
        customer_name=customer.name,
        phone=deal.phone or customer.phone,
        stage_names=dict(stage.names),
        stage_kind=stage.kind,
        amount=deal.amount,
        manager_name=full_name(manager) if manager else None,
        last_activity_at=deal.last_activity_at,
        customer_id=customer.id,
    )


async def open_deals(
    session: AsyncSession,
    actor: Actor,
    page: int,
    stage_id: int,
    idle: bool,
    now: datetime,
) -> DealList:
    """Open deals, most recently active first; stage_id 0 means every stage."""
    require_staff(actor)
    query = _rows_query(actor).where(Deal.closed_at.is_(None))
    stage = None
    if stage_id:
        stage = next((s for s in await filter_stages(session, actor) if s.id == stage_id), None)
        if stage is None:
            raise NotFound()
        query = query.where(Deal.stage_id == stage_id)
    if idle:
        query = query.where(Deal.last_activity_at <= now - IDLE_AFTER)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    result = await session.execute(
        query.order_by(Deal.last_activity_at.desc(), Deal.id.desc())
        .limit(PAGE_SIZE)
        .offset(page * PAGE_SIZE)
    )
    rows = [_row(d, c, s, m) for d, c, s, m in result.all()]
    return DealList(rows, total, page, pages, actor.is_owner, stage, idle)


async def filter_stages(session: AsyncSession, actor: Actor) -> list[stages.StageView]:
    """Open deals sit in open stages only, so only those make sense as filters."""
    require_staff(actor)
    return [stages.view(s) for s in await stages.active_stages(session) if s.kind == stages.OPEN]


@dataclass(frozen=True)
class Found:
    rows: list[DealRow]
    more: bool


async def find(session: AsyncSession, actor: Actor, text: str) -> Found:
    """By deal number, a fragment of the customer's name, or three or more digits of a phone
    (the customer's own or the one given with the request). A number no deal or phone can
    have finds nothing."""
    require_staff(actor)
    words = " ".join(text.split())
    if not words:
        return Found([], False)
    conditions = [_name_matches(words), *_text_field_matches(words)]
    number = _NUMBER.match(words)
    digits = re.sub(r"\D", "", words)
    if number and is_id(int(number.group(1))):
        conditions.append(Deal.id == int(number.group(1)))
    if MIN_PHONE_DIGITS <= len(digits) <= MAX_PHONE_DIGITS and not re.search(
        r"[^\d\s()+#-]", words
    ):
        fragments = [digits]
        if digits.startswith("0"):
            # A national number's leading trunk zero is not part of the stored E.164 form.
            fragments.append(digits[1:])
        for fragment in fragments:
            conditions.append(Customer.phone.contains(fragment, autoescape=True))
            conditions.append(Deal.phone.contains(fragment, autoescape=True))
    result = await session.execute(
        _rows_query(actor)
        .where(or_(*conditions))
        .order_by(Deal.closed_at.is_not(None), Deal.last_activity_at.desc(), Deal.id.desc())
        .limit(FIND_LIMIT + 1)
    )
    rows = [_row(d, c, s, m) for d, c, s, m in result.all()]
    shown = rows[:FIND_LIMIT]
    filled = await field_views.shown(session, [(r.deal_id, r.customer_id) for r in shown])
    return Found([replace(r, fields=filled[r.deal_id]) for r in shown], len(rows) > FIND_LIMIT)


def _text_field_matches(words: str) -> list[ColumnElement[bool]]:
    """Deals whose own or whose customer's active text field holds the words."""
    variants = {words, words.lower(), words.upper(), words.capitalize(), words.title()}

    def holding(entity: str) -> Select[int]:
        return (
            select(FieldValue.object_id)
            .join(FieldDef, FieldDef.id == FieldValue.field_id)
            .where(
                FieldValue.entity == entity,
                FieldDef.kind == TEXT,
                FieldDef.active.is_(True),
                or_(*(FieldValue.value.icontains(v, autoescape=True) for v in sorted(variants))),
            )
        )

    return [Deal.id.in_(holding(DEAL)), Customer.id.in_(holding(CUSTOMER))]


def _name_matches(words: str) -> ColumnElement[bool]:
    """SQLite folds only ASCII case, so the usual spellings of the fragment are tried too."""
    variants = {words, words.lower(), words.upper(), words.capitalize(), words.title()}
    return or_(*(Customer.name.icontains(v, autoescape=True) for v in sorted(variants)))


async def remember_card(
    session: AsyncSession, chat_id: int, message_id: int, deal_id: int
) -> None:
    """A card opened from a list answers native replies like a delivered one."""
    row = outbox.ChatMessageRow(chat_id, message_id, deal_id, "deal_card")
    await outbox.remember_chat_messages(session, [row])
    await session.commit()
