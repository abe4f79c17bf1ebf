"""The list behind each report section's button: the deals its figure counts."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import Actor, require_owner
from services.db.customers import Customer
from services.db.deals import Deal, Stage
from services.db.users import User
from services.errors import NotFound
from services.lead_sources import shown_source
from services.reports import attention, queries
from services.reports.periods import Period, Span, from_key
from services.reports.settings import OwnerSettings, Sla, settings_of
from services.reports.speed import first_answer, wait
from services.reports.sql import epoch
from services.users import full_name

LIMIT = 30
ATTENTION_LIMIT = 10  # per kind: three kinds share one message


class Section(StrEnum):
    NEW = "n"
    FUNNEL = "f"
    RESULTS = "r"
    SPEED = "s"
    PEOPLE = "p"
    ATTENTION = "a"


@dataclass(frozen=True)
class Item:
    deal_id: int
    created_at: datetime
    customer: str
    source: str
    stage_names: dict[str, str]
    stage_kind: str
    manager: str | None
    amount: Decimal | None
    lost_reason: str | None
    closed_at: datetime | None
    last_activity_at: datetime
    worked: float | None  # working seconds waited, in the speed list


@dataclass(frozen=True)
class SectionList:
    section: Section
    period: Period
    settings: OwnerSettings
    items: list[Item]
    total: int
    # Only in the attention list, besides the quiet deals in items.
    tasks: list[attention.TaskLine] = field(default_factory=list)
    tasks_total: int = 0
    contracts: list[attention.ContractLine] = field(default_factory=list)
    contracts_total: int = 0


async def section_list(
    session: AsyncSession,
    actor: Actor,
    section: Section,
    span: Span,
    key: int,
    zone: ZoneInfo,
    defaults: OwnerSettings,
    now: datetime,
) -> SectionList:
    require_owner(actor)
    chosen = await settings_of(session, actor.user_id, defaults)
    try:
        period = from_key(span, key, zone, now)
    except ValueError as error:  # a forged date in the button
        raise NotFound() from error
    worked, where, order = _choose(section, period, chosen.sla, now)
    rows = await session.execute(_base(worked).where(*where).order_by(*order).limit(LIMIT))
    total = await session.scalar(
        select(func.count()).select_from(_base(worked).where(*where).subquery())
    )
    listed = SectionList(section, period, chosen, [_item(row) for row in rows.all()], total or 0)
    if section is not Section.ATTENTION:
        return listed
    today = now.astimezone(zone).date()
    return replace(
        listed,
        tasks=await attention.overdue_tasks(session, now, ATTENTION_LIMIT),
        tasks_total=sum((await attention.overdue_by_assignee(session, now)).values()),
        contracts=await attention.ending_contracts(session, today, ATTENTION_LIMIT),
        contracts_total=await attention.contracts_ending(session, today),
    )


def _choose(
    section: Section, period: Period, sla: Sla, now: datetime
) -> tuple[ColumnElement[Any], list[ColumnElement[bool]], list[Any]]:
    """What the section counts (its filter) and the order its list reads best in."""
    none: ColumnElement[Any] = literal(None)
    if section is Section.NEW:
        return none, [queries.created_in(period)], [Deal.created_at.desc(), Deal.id.desc()]
    if section is Section.FUNNEL:
        furthest = case((Stage.kind == "won", 0), (Stage.kind == "open", 1), else_=2)
        return none, [queries.created_in(period)], [furthest, Stage.position.desc(), Deal.id]
    if section is Section.RESULTS:
        closed = [queries.closed_in(period), Stage.kind.in_(("won", "lost"))]
        return none, closed, [Stage.kind.desc(), Deal.closed_at.desc(), Deal.id]
    if section is Section.SPEED:
        answered = epoch(first_answer())
        waited = wait(epoch(Deal.created_at), answered, period, sla, now)
        late = [queries.created_in(period), waited.late]
        return waited.worked, late, [waited.worked.desc(), Deal.id]
    if section is Section.PEOPLE:
        held: list[ColumnElement[bool]] = [Deal.closed_at.is_(None), Deal.manager_id.is_not(None)]
        return none, held, [User.first_name, User.id, Deal.id]
    return none, [queries.stale(now)], [Deal.last_activity_at, Deal.id]


def _base(worked: ColumnElement[Any]) -> Select[Any]:
    return (
        select(Deal, Customer.name, Stage.names, Stage.kind, User, worked.label("worked"))
        .join(Customer, Customer.id == Deal.customer_id)
        .join(Stage, Stage.id == Deal.stage_id)
        .outerjoin(User, User.id == Deal.manager_id)
    )


def _item(row: Any) -> Item:
    deal, customer, names, kind, manager, worked = row
    return Item(
        deal_id=deal.id,
        created_at=deal.created_at,
        customer=customer,
        source=shown_source(deal.source, deal.source_detail),
        stage_names=dict(names),
        stage_kind=kind,
        manager=full_name(manager) if manager else None,
        amount=deal.amount,
        lost_reason=deal.lost_reason,
        closed_at=deal.closed_at,
        last_activity_at=deal.last_activity_at,
        worked=None if worked is None else float(worked),
    )
