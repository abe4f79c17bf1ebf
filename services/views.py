"""Read models that handlers and notifications render; nothing here changes state."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import ScalarSelect, Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import field_views, stages
from services.access import Actor
from services.customer_matches import Asked, CustomerMatch, customer_matches
from services.db.catalog import DealItem
from services.db.customers import Customer
from services.db.deals import Deal, Message, Stage
from services.db.documents import Document
from services.db.users import User
from services.errors import NotFound
from services.feedback_views import RatingView, ratings_of
from services.field_kinds import Shown
from services.item_views import DealItems, deal_items
from services.paid import paid_of
from services.users import BY_TG_ID, full_name, name_of


@dataclass(frozen=True)
class DealCard:
    deal_id: int
    customer_id: int
    customer_name: str
    # The number given with the request, else the customer's own.
    phone: str | None
    email: str | None
    # Another customer the request may be (same phone, e-mail or Telegram account).
    match: CustomerMatch | None
    title: str
    photos: int
    documents: int
    source: str
    source_detail: str | None
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
    # The active fields filled in on the deal, then on its customer.
    fields: tuple[Shown, ...]
    # What is being sold, when the deal has items (its amount is then their total).
    items: DealItems | None = None
    # The latest quote and invoice made for it.
    papers: tuple[PaperView, ...] = ()
    # What its payments came to.
    paid: Decimal = Decimal(0)
    # The customer's rating, once given.
    rating: RatingView | None = None
    # The customer has a Telegram chat with the bot, so a reply reaches them.
    reachable: bool = True


@dataclass(frozen=True)
class PaperView:
    kind: str
    number: str
    version: int
    sent: bool
    accepted: bool


def _incoming(kind: str) -> ScalarSelect[int]:
    return (
        select(func.count())
        .where(Message.deal_id == Deal.id, Message.direction == "in", Message.kind == kind)
        .correlate(Deal)
        .scalar_subquery()
    )


class _CardRow(NamedTuple):
    """What a card shows, as one row."""

    deal_id: int
    title: str
    source: str
    source_detail: str | None
    phone: str | None
    created_at: datetime
    taken_at: datetime | None
    amount: Decimal | None
    manager_id: int | None
    last_activity_at: datetime
    closed_at: datetime | None
    lost_reason: str | None
    version: int
    customer_id: int
    customer_name: str
    customer_phone: str | None
    email: str | None
    customer_user_id: int | None
    stage_id: int
    stage_kind: str
    stage_names: dict[str, str]
    manager_first_name: str | None
    manager_last_name: str | None
    manager_tg_id: int | None
    photos: int
    documents: int


_COUNTS = (_incoming("photo").label("photos"), _incoming("document").label("documents"))


def _cards_of(*columns: Any) -> Select[Any]:
    return (
        select(*columns, *_COUNTS)
        .join(Customer, Customer.id == Deal.customer_id)
        .join(Stage, Stage.id == Deal.stage_id)
        .outerjoin(User, User.id == Deal.manager_id)
        .where(Deal.id.in_(bindparam("deal_ids", expanding=True)))
    )


# Built once: every card sent or edited runs one. A card being worked on is read as whole
# entities, so the session's copies of the deal and its people are current afterwards (an
# async session cannot load an expired attribute on access); cards being delivered, read in
# a session of their own, are read column by column, at less than half the cost.
_CARD_ENTITIES = _cards_of(Deal, Customer, Stage, User)
_CARD_COLUMNS = _cards_of(
    Deal.id,
    Deal.title,
    Deal.source,
    Deal.source_detail,
    Deal.phone,
    Deal.created_at,
    Deal.taken_at,
    Deal.amount,
    Deal.manager_id,
    Deal.last_activity_at,
    Deal.closed_at,
    Deal.lost_reason,
    Deal.version,
    Customer.id,
    Customer.name,
    Customer.phone,
    Customer.email,
    Customer.user_id,
    Stage.id,
    Stage.kind,
    Stage.names,
    User.first_name,
    User.last_name,
    User.tg_id,
)


async def deal_card(session: AsyncSession, deal_id: int) -> DealCard:
    rows = (await session.execute(_CARD_ENTITIES, {"deal_ids": [deal_id]})).all()
    if not rows:
        raise NotFound()
    deal, customer, stage, manager, photos, documents = rows[0]
    row = _CardRow(
        deal.id,
        deal.title,
        deal.source,
        deal.source_detail,
        deal.phone,
        deal.created_at,
        deal.taken_at,
        deal.amount,
        deal.manager_id,
        deal.last_activity_at,
        deal.closed_at,
        deal.lost_reason,
        deal.version,
        customer.id,
        customer.name,
        customer.phone,
        customer.email,
        customer.user_id,
        stage.id,
        stage.kind,
        stage.names,
        manager.first_name if manager else None,
        manager.last_name if manager else None,
        manager.tg_id if manager else None,
        photos,
        documents,
    )
    return (await _cards(session, [row]))[deal_id]


async def deal_cards(session: AsyncSession, deal_ids: Collection[int]) -> dict[int, DealCard]:
    """The cards of these deals by id, read together; a deal that is gone has none."""
    if not deal_ids:
        return {}
    rows = await session.execute(_CARD_COLUMNS, {"deal_ids": list(deal_ids)})
    return await _cards(session, [_CardRow(*row) for row in rows])


async def _cards(session: AsyncSession, rows: list[_CardRow]) -> dict[int, DealCard]:
    if not rows:
        return {}
    walk = stages.flow(await stages.active_stages(session))
    steps = {stage.id: step for step, stage in enumerate(walk, start=1)}
    matches = await customer_matches(session, [_asked(r) for r in rows])
    filled = await field_views.shown(session, [(r.deal_id, r.customer_id) for r in rows])
    sold = await _items_of(session, [r.deal_id for r in rows])
    papers = await _papers_of(session, [r.deal_id for r in rows])
    paid = await paid_of(session, [r.deal_id for r in rows])
    rated = await ratings_of(session, [r.deal_id for r in rows])
    cards = {}
    for row in rows:
        step = steps.get(row.stage_id, 0)
        following = walk[step] if row.closed_at is None and 0 < step < len(walk) else None
        manager = None
        if row.manager_tg_id is not None:
            manager = name_of(row.manager_first_name, row.manager_last_name, row.manager_tg_id)
        cards[row.deal_id] = DealCard(
            deal_id=row.deal_id,
            customer_id=row.customer_id,
            customer_name=row.customer_name,
            phone=_phone(row),
            email=row.email,
            match=matches.get(row.deal_id),
            title=row.title,
            photos=row.photos,
            documents=row.documents,
            source=row.source,
            source_detail=row.source_detail,
            created_at=row.created_at,
            stage_names=row.stage_names,
            manager_name=manager,
            taken_at=row.taken_at,
            amount=row.amount,
            stage_id=row.stage_id,
            stage_kind=row.stage_kind,
            step=step,
            steps=len(walk),
            next_stage=stages.view(following) if following else None,
            manager_id=row.manager_id,
            last_activity_at=row.last_activity_at,
            closed_at=row.closed_at,
            lost_reason=row.lost_reason,
            version=row.version,
            fields=filled[row.deal_id],
            items=sold.get(row.deal_id),
            papers=tuple(papers.get(row.deal_id, ())),
            paid=paid.get(row.deal_id, Decimal(0)),
            rating=rated.get(row.deal_id),
            reachable=row.customer_user_id is not None,
        )
    return cards


async def _papers_of(session: AsyncSession, deal_ids: list[int]) -> dict[int, list[PaperView]]:
    made = await session.execute(
        select(
            Document.deal_id,
            Document.kind,
            Document.number,
            Document.version,
            Document.sent_at,
            Document.accepted_at,
        )
        .where(Document.deal_id.in_(deal_ids))
        .order_by(Document.deal_id, Document.kind, Document.version.desc())
    )
    latest: dict[int, list[PaperView]] = {}
    for deal_id, kind, number, version, sent_at, accepted_at in made.all():
        shown = latest.setdefault(deal_id, [])
        if all(paper.kind != kind for paper in shown):
            shown.append(
                PaperView(kind, number, version, sent_at is not None, accepted_at is not None)
            )
    return latest


async def _items_of(session: AsyncSession, deal_ids: list[int]) -> dict[int, DealItems]:
    with_items = await session.scalars(
        select(DealItem.deal_id).where(DealItem.deal_id.in_(deal_ids)).distinct()
    )
    return {deal_id: await deal_items(session, deal_id) for deal_id in with_items.all()}


def _phone(row: _CardRow) -> str | None:
    return row.phone or row.customer_phone


def _asked(row: _CardRow) -> Asked:
    in_telegram = row.customer_user_id is not None
    return Asked(row.deal_id, row.customer_id, _phone(row), row.email, in_telegram)


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
