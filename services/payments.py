"""Payments of deals: marked by a manager, posted by an accounting system, or paid in Telegram.
Each is recorded once (a repeated external id changes nothing), told to the deal's manager and
the customer, and fires the rules' "payment received"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services import events, outbox
from services.access import Actor, require_deal
from services.amounts import CENT, LIMIT
from services.conversation import get_deal
from services.db.customers import Customer
from services.db.deals import Deal
from services.db.documents import Payment
from services.db.engine import is_postgres
from services.db.users import User
from services.errors import Conflict, ErrorCode, InvalidInput
from services.paid import ZERO, Balance, balance
from services.rules.engine import fire
from services.rules.happened import Happened
from services.rules.model import PAYMENT_RECEIVED

MANUAL, API, TELEGRAM = "manual", "api", "telegram"


@dataclass(frozen=True)
class Recorded:
    payment: Payment
    # The same external id was recorded before: nothing changed.
    duplicate: bool
    balance: Balance


async def record(
    session: AsyncSession,
    deal_id: int,
    amount: Decimal,
    method: str,
    now: datetime,
    *,
    actor: Actor | None = None,
    external_id: str | None = None,
    document_id: int | None = None,
) -> Recorded:
    """`actor` is the manager or owner who marks it (checked against the deal); None for the
    API and Telegram, which are trusted by their own checks."""
    if not (ZERO < amount < LIMIT) or amount != amount.quantize(CENT):
        raise InvalidInput(ErrorCode.AMOUNT)
    deal = await get_deal(session, deal_id)
    if actor is not None:
        require_deal(actor, deal)
    if external_id is not None:
        known = await _by_external_id(session, external_id)
        if known is not None:
            return await _repeat(session, known, deal, amount)
    values = {
        "deal_id": deal.id,
        "document_id": document_id,
        "amount": amount,
        "method": method,
        "external_id": external_id,
        "recorded_by": actor.user_id if actor is not None else None,
        "created_at": now,
    }
    # Two posts of one external id at once: the unique key lets one in.
    dialect = postgresql if is_postgres(session) else sqlite
    inserted = await session.execute(
        dialect.insert(Payment)
        .values(values)
        .on_conflict_do_nothing(index_elements=["external_id"])
        .returning(Payment.id)
    )
    payment_id = inserted.scalar_one_or_none()
    if payment_id is None:
        await session.rollback()
        known = await _by_external_id(session, external_id or "")
        assert known is not None
        return await _repeat(session, known, await get_deal(session, deal_id), amount)
    payment = await session.get_one(Payment, payment_id)
    deal.last_activity_at = now
    by = actor.user_id if actor is not None else None
    events.record(session, deal.id, by, "payment", now, method, amount)
    await _tell(session, deal, payment, by, now)
    await fire(
        session,
        [Happened(PAYMENT_RECEIVED, deal.id, f"payment:{payment.id}", {"amount": str(amount)})],
        now,
    )
    await session.commit()
    return Recorded(payment, False, await balance(session, deal))


async def _by_external_id(session: AsyncSession, external_id: str) -> Payment | None:
    return (
        await session.scalars(select(Payment).where(Payment.external_id == external_id))
    ).first()


async def _repeat(session: AsyncSession, known: Payment, deal: Deal, amount: Decimal) -> Recorded:
    if known.deal_id != deal.id or known.amount != amount:
        raise Conflict(ErrorCode.PAYMENT_REPEATED)
    return Recorded(known, True, await balance(session, deal))


async def _tell(
    session: AsyncSession, deal: Deal, payment: Payment, by: int | None, now: datetime
) -> None:
    """The customer is thanked; the deal's manager told, unless they marked it themselves."""
    customer = await session.get_one(Customer, deal.customer_id)
    payer = await session.get(User, customer.user_id) if customer.user_id else None
    manager = await session.get(User, deal.manager_id) if deal.manager_id else None
    told = [(payer, "payment_thanks")]
    if manager is None or manager.id != by:
        told.append((manager, "payment_received"))
    for user, kind in told:
        if user is not None:
            outbox.enqueue(
                session,
                chat_id=user.tg_id,
                kind=kind,
                payload={"payment_id": payment.id, "deal_id": deal.id},
                dedupe_key=f"{kind}:{payment.id}",
                now=now,
            )
