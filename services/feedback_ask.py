"""Asking a customer to rate their deal when it closes: once per deal, through the outbox, only
when the owner's standard rule asks on this kind of closing and the customer can be reached in
Telegram (a web form's or a call's customer has no chat to ask in)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services import outbox
from services.db.customers import Customer
from services.db.deals import Deal, Stage
from services.db.feedback import Feedback
from services.db.users import User
from services.rules import standard

ASK = "feedback_ask"


async def closed(
    session: AsyncSession, deal: Deal, stage: Stage, now: datetime
) -> list[outbox.QueuedRow]:
    """Called as `deal` enters `stage`, in its transaction: the ask to queue after the stage's
    own notice (none when the customer is not asked)."""
    if stage.kind not in await standard.feedback_on(session):
        return []
    if await session.get(Feedback, deal.id) is not None:
        return []  # asked before it was reopened
    customer = await session.get_one(Customer, deal.customer_id)
    user = await session.get(User, customer.user_id) if customer.user_id else None
    if user is None or user.blocked:
        return []
    session.add(
        Feedback(deal_id=deal.id, user_id=user.id, manager_id=deal.manager_id, asked_at=now)
    )
    await standard.acted(session, standard.FEEDBACK, now)
    return [
        outbox.queued(
            chat_id=user.tg_id,
            kind=ASK,
            payload={"deal_id": deal.id},
            dedupe_key=f"{ASK}:{deal.id}",
            now=now,
        )
    ]
