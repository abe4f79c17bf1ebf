"""A request becomes a deal, assigned at once, with its manager told through the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services import events, outbox
from services.access import Actor
from services.assignment import pick_assignee
from services.content import Content, store
from services.customers import customer_for_user
from services.db.models import Customer, Deal, Stage, User
from services.errors import InvalidInput

TITLE_LENGTH = 200
_FIRST_STAGE = select(Stage.id).where(Stage.kind == "open").order_by(Stage.position).limit(1)


@dataclass(frozen=True)
class Submitted:
    deal_id: int
    manager_name: str | None


async def submit_request(
    session: AsyncSession,
    actor: Actor,
    content: Content,
    phone: str | None,
    now: datetime,
) -> Submitted:
    if content.is_empty:
        raise InvalidInput("empty_request")
    user = await session.get_one(User, actor.user_id)
    # Every read comes first, so what the request writes goes to the database in one flush.
    manager = await pick_assignee(session, now)
    customer = await customer_for_user(session, user, phone, now)
    deal = await open_deal(session, customer, "telegram", content.title, now, manager)
    messages = await store(session, deal.id, "in", actor.user_id, content, now)
    if manager is not None:
        for message in messages:
            if message.kind != "text":
                outbox.enqueue(
                    session,
                    chat_id=manager.tg_id,
                    kind="deal_media",
                    payload={"message_id": message.id},
                    dedupe_key=f"deal_media:{message.id}",
                    now=now,
                )
    await session.commit()
    return Submitted(deal.id, manager.first_name if manager else None)


async def open_deal(
    session: AsyncSession,
    customer: Customer,
    source: str,
    title: str,
    now: datetime,
    manager: User | None = None,
) -> Deal:
    """A new deal in the first stage; given a manager, it is theirs and its card is queued."""
    first = await session.scalar(_FIRST_STAGE)
    deal = Deal(
        customer_id=customer.id,
        source=source,
        stage_id=first,
        title=title[:TITLE_LENGTH],
        created_at=now,
        last_activity_at=now,
        version=1,
        manager_id=manager.id if manager else None,
    )
    session.add(deal)
    await session.flush()
    events.record(session, deal.id, customer.user_id, "created", now, to_value=source)
    if manager is not None:
        _hand_over(session, deal, None, manager, now)
    return deal


async def assign(
    session: AsyncSession, deal: Deal, now: datetime, exclude: int | None = None
) -> User | None:
    """Give an existing deal to the next manager and queue its card for them."""
    manager = await pick_assignee(session, now, exclude=exclude)
    if manager is None:
        return None
    _hand_over(session, deal, deal.manager_id, manager, now)
    deal.taken_at = None
    # Cards showing the previous manager are stale now; counted in SQL, so a change landing
    # at the same moment cannot leave two states of the deal under one version.
    await session.execute(
        update(Deal)
        .where(Deal.id == deal.id)
        .values(version=Deal.version + 1)
        .execution_options(synchronize_session="fetch")
    )
    return manager


def _hand_over(
    session: AsyncSession, deal: Deal, previous: int | None, manager: User, now: datetime
) -> None:
    events.record(session, deal.id, None, "assigned", now, previous, manager.id)
    deal.manager_id = manager.id
    outbox.enqueue(
        session,
        chat_id=manager.tg_id,
        kind="deal_card",
        payload={"deal_id": deal.id},
        dedupe_key=f"deal_card:{deal.id}:{manager.id}:{now.isoformat()}",
        now=now,
    )
