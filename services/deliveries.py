"""A deal's delivery as a manager types it: the date and a tracking number; the customer is
told each time it is set."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services import events, outbox
from services.access import Actor, require_deal
from services.conversation import get_deal
from services.dates import parse_date
from services.db.customers import Customer
from services.db.documents import Delivery
from services.db.users import User
from services.errors import ErrorCode, InvalidInput

TRACKING_LENGTH = 64


def parse_delivery(text: str) -> tuple[date, str | None]:
    """The date on the first line, the tracking number (if any) on the second."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines or len(lines) > 2:
        raise InvalidInput(ErrorCode.DELIVERY)
    on = parse_date(lines[0], ErrorCode.DELIVERY)
    tracking = lines[1] if len(lines) == 2 else None
    if tracking is not None and (len(tracking) > TRACKING_LENGTH or not tracking.isprintable()):
        raise InvalidInput(ErrorCode.DELIVERY)
    return on, tracking


async def set_delivery(
    session: AsyncSession, actor: Actor, deal_id: int, text: str, now: datetime
) -> tuple[Delivery, bool]:
    """The delivery as set, and whether the customer is told (they have a chat with the bot)."""
    deal = await get_deal(session, deal_id)
    require_deal(actor, deal)
    on, tracking = parse_delivery(text)
    delivery = await session.get(Delivery, deal.id)
    if delivery is None:
        delivery = Delivery(deal_id=deal.id)
        session.add(delivery)
    delivery.delivery_on, delivery.tracking, delivery.updated_at = on, tracking, now
    deal.last_activity_at = now
    shown = f"{on.isoformat()} {tracking}" if tracking else on.isoformat()
    events.record(session, deal.id, actor.user_id, "delivery", now, None, shown)
    customer = await session.get_one(Customer, deal.customer_id)
    reader = await session.get(User, customer.user_id) if customer.user_id else None
    if reader is not None:
        outbox.enqueue(
            session,
            chat_id=reader.tg_id,
            kind="delivery",
            payload={"deal_id": deal.id},
            dedupe_key=f"delivery:{deal.id}:{now.isoformat()}",
            now=now,
        )
    await session.commit()
    return delivery, reader is not None


async def of_deal(session: AsyncSession, deal_id: int) -> Delivery | None:
    return await session.get(Delivery, deal_id)
