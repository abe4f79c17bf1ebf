"""Read models that handlers and notifications render; nothing here changes state."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ScalarSelect, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import stages
from services.access import Actor
from services.db.models import Customer, Deal, Message, Stage, User
from services.errors import NotFound
from services.users import BY_TG_ID, full_name


@dataclass(frozen=True)
class DealCard:
    deal_id: int
    customer_name: str
    phone: str | None
    title: str
    photos: int
    documents: int
    source: str
    created_at: datetime
    stage_names: dict[str, str]
    manager_name: str | None
    taken_at: datetime | None
    amount: Decimal | None
    stage_id: int
    stage_kind: str
    step: int
    steps: int
    next_stage: stages.StageView | None
    manager_id: int | None
    last_activity_at: datetime
    closed_at: datetime | None
    lost_reason: str | None
    version: int


def _incoming(kind: str) -> ScalarSelect[int]:
    return (
        select(func.count())
        .where(Message.deal_id == Deal.id, Message.direction == "in", Message.kind == kind)
        .correlate(Deal)
        .scalar_subquery()
    )


# Built once: every card sent or edited runs it. Whole entities, so the session's copies of
# the deal and its people are current after a card was read.
_CARDS = (
    select(
        Deal,
        Customer,
        Stage,
        User,
        _incoming("photo").label("photos"),
        _incoming("document").label("documents"),
    )
    .join(Customer, Customer.id == Deal.customer_id)
    .join(Stage, Stage.id == Deal.stage_id)
    .outerjoin(User, User.id == Deal.manager_id)
    .where(Deal.id.in_(bindparam("deal_ids", expanding=True)))
)


async def deal_card(session: AsyncSession, deal_id: int) -> DealCard:
    card = (await deal_cards(session, [deal_id])).get(deal_id)
    if card is None:
        raise NotFound()
    return card


async def deal_cards(session: AsyncSession, deal_ids: Collection[int]) -> dict[int, DealCard]:
    """The cards of these deals by id, read together; a deal that is gone has none."""
    if not deal_ids:
        return {}
    rows = (await session.execute(_CARDS, {"deal_ids": list(deal_ids)})).all()
    if not rows:
        return {}
    walk = stages.flow(await stages.active_stages(session))
    steps = {stage.id: step for step, stage in enumerate(walk, start=1)}
    cards = {}
    for deal, customer, stage, manager, photos, documents in rows:
        step = steps.get(stage.id, 0)
        following = walk[step] if deal.closed_at is None and 0 < step < len(walk) else None
        cards[deal.id] = DealCard(
            deal_id=deal.id,
            customer_name=customer.name,
            phone=customer.phone,
            title=deal.title,
            photos=photos,
            documents=documents,
            source=deal.source,
            created_at=deal.created_at,
            stage_names=stage.names,
            manager_name=full_name(manager) if manager else None,
            taken_at=deal.taken_at,
            amount=deal.amount,
            stage_id=stage.id,
            stage_kind=stage.kind,
            step=step,
            steps=len(walk),
            next_stage=stages.view(following) if following else None,
            manager_id=deal.manager_id,
            last_activity_at=deal.last_activity_at,
            closed_at=deal.closed_at,
            lost_reason=deal.lost_reason,
            version=deal.version,
        )
    return cards


@dataclass(frozen=True)
class MessageView:
    deal_id: int
    kind: str
    text: str
    file_id: str | None
    author_first_name: str
    customer_name: str


async def message_view(session: AsyncSession, message_id: int) -> MessageView:
    row = (
        await session.execute(
            select(Message, Customer, User)
            .join(Deal, Deal.id == Message.deal_id)
            .join(Customer, Customer.id == Deal.customer_id)
            .outerjoin(User, User.id == Message.author_id)
            .where(Message.id == message_id)
        )
    ).first()
    if row is None:
        raise NotFound()
    message, customer, author = row
    return MessageView(
        deal_id=message.deal_id,
        kind=message.kind,
        text=message.text,
        file_id=message.file_id,
        author_first_name=author.first_name if author else "",
        customer_name=customer.name,
    )


@dataclass(frozen=True)
class RequestSummary:
    deal_id: int
    created_at: datetime
    stage_names: dict[str, str]
    closed: bool
    title: str


async def my_requests(
    session: AsyncSession, actor: Actor, limit: int = 10
) -> list[RequestSummary]:
    rows = await session.execute(
        select(Deal, Stage)
        .join(Customer, Customer.id == Deal.customer_id)
        .join(Stage, Stage.id == Deal.stage_id)
        .where(Customer.user_id == actor.user_id)
        .order_by(Deal.id.desc())
        .limit(limit)
    )
    return [
        RequestSummary(d.id, d.created_at, s.names, d.closed_at is not None, d.title)
        for d, s in rows.all()
    ]


async def user_by_tg(session: AsyncSession, tg_id: int) -> User | None:
    return await session.scalar(BY_TG_ID, {"tg_id": tg_id})


async def user_name(session: AsyncSession, user_id: int) -> str:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound()
    return full_name(user)
