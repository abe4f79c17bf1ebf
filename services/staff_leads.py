"""Requests staff enter by hand: a walk-in, a caller, a contact from the phone book, a
customer's message forwarded to the bot. The typed or shared number is the request's own and
proves nothing about who the customer is; only the sender Telegram names on a forwarded
message links the request to that person's account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import events, log_context
from services.access import CUSTOMER, Actor, require_staff
from services.assignment import WorkingHours
from services.contacts import customer_for_phone
from services.content import Content, store
from services.customers import customers_for_users
from services.db.customers import Customer
from services.db.users import User
from services.errors import NotFound
from services.intake import assign, created, open_deals
from services.lead_sources import MANUAL, offered
from services.rules.engine import fire
from services.users import TelegramProfile


@dataclass(frozen=True)
class Lead:
    name: str
    phone: str | None
    content: Content
    # A lead source's key (services/lead_sources.py).
    source: str
    # Whom a forwarded message came from, when Telegram says.
    sender: TelegramProfile | None = None


@dataclass(frozen=True)
class Entered:
    deal_id: int
    # Its card is queued for whoever entered it: an owner it came back to, no manager having
    # room for it.
    card_queued: bool = False


async def enter(
    session: AsyncSession,
    actor: Actor,
    lead: Lead,
    now: datetime,
    hours: WorkingHours | None = None,
) -> Entered:
    """The request, committed: a manager's own (taken), an owner's given out as any new one."""
    require_staff(actor)
    if lead.source not in {source.key for source in await offered(session)}:
        raise NotFound()  # the owner's source, removed since it was offered
    customer = await _customer(session, lead, now)
    [deal] = await open_deals(
        session, MANUAL, [(customer, lead.content.title, None)], now, announce=False
    )
    log_context.about_deal(deal.id)
    deal.source_detail = lead.source
    deal.phone = lead.phone
    if not lead.content.is_empty:
        await store(session, deal.id, "in", customer.user_id, lead.content, now)
    queued = False
    if actor.is_owner:
        given = await assign(session, deal, now, hours=hours)
        queued = given is not None and given.id == actor.user_id
    else:
        deal.manager_id, deal.taken_at = actor.user_id, now
        events.record(session, deal.id, actor.user_id, "assigned", now, None, actor.user_id)
        events.record(session, deal.id, actor.user_id, "taken", now)
    await fire(session, created([deal], MANUAL, now), now)
    await session.commit()
    return Entered(deal.id, queued)


async def _customer(session: AsyncSession, lead: Lead, now: datetime) -> Customer:
    """The sender's customer record (their account made if new), else a new record by name.
    A sender who is one of the staff is not their own customer: the name is kept only."""
    sender = lead.sender
    if sender is not None:
        user = await session.scalar(select(User).where(User.tg_id == sender.tg_id))
        if user is None:
            user = User(
                tg_id=sender.tg_id,
                role=CUSTOMER,
                first_name=sender.first_name[:128],
                last_name=sender.last_name,
                username=sender.username,
                created_at=now,
            )
            session.add(user)
            await session.flush()
        if user.role == CUSTOMER:
            [customer] = await customers_for_users(session, [user], now)
            return customer
    return await customer_for_phone(session, None, lead.name, MANUAL, now)
