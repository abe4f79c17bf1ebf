"""Paying in Telegram: the owner's payment provider token, the invoice's payload, the check
before Telegram takes the money and the payment it reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.access import Actor, require_owner
from services.amounts import CENT
from services.conversation import get_deal
from services.db.customers import Customer
from services.db.deals import Stage
from services.db.documents import Document, PaymentSettings
from services.errors import AccessDenied, Conflict, ErrorCode, InvalidInput, NotFound
from services.ids import is_id
from services.paid import balance
from services.payments import TELEGRAM, Recorded, record
from services.stages import LOST
from services.totals import quantum


async def provider_token(session: AsyncSession) -> str | None:
    row = await session.get(PaymentSettings, 1)
    return row.provider_token if row is not None else None


async def set_provider_token(
    session: AsyncSession, actor: Actor, token: str | None, now: datetime
) -> None:
    """The owner's payment provider token; None turns payments in Telegram off."""
    require_owner(actor)
    row = await session.get(PaymentSettings, 1)
    if token is None:
        if row is not None:
            await session.delete(row)
    else:
        token = token.strip()
        if not token or len(token) > 256 or not token.isascii() or " " in token:
            raise InvalidInput(ErrorCode.PROVIDER_TOKEN)
        if row is None:
            session.add(PaymentSettings(id=1, provider_token=token, updated_at=now))
        else:
            row.provider_token, row.updated_at = token, now
    await session.commit()


INVOICE_PAYLOAD = "inv:"


def invoice_payload(document_id: int) -> str:
    return f"{INVOICE_PAYLOAD}{document_id}"


def minor_units(amount: Decimal, currency: str) -> int:
    """An amount as Telegram counts money: in the currency's smallest units."""
    return int(amount / quantum(currency))


@dataclass(frozen=True)
class Checkout:
    document: Document
    amount: Decimal


async def check_checkout(
    session: AsyncSession, user_id: int, payload: str, currency: str, total: int, ours: str
) -> Checkout:
    """Before Telegram takes the money: the invoice is one of ours, sent to this customer,
    in our currency, for no more than is owed."""
    document = await _invoice(session, payload)
    deal = await get_deal(session, document.deal_id)
    customer = await session.get_one(Customer, deal.customer_id)
    if customer.user_id != user_id:
        raise AccessDenied()
    # A lost request is not paid for.
    if (await session.get_one(Stage, deal.stage_id)).kind == LOST:
        raise Conflict(ErrorCode.DEAL_CLOSED)
    if currency != ours or total <= 0:
        raise InvalidInput(ErrorCode.AMOUNT)
    amount = Decimal(total) * quantum(ours)
    left = await balance(session, deal)
    if left.owed is not None and amount > left.owed:
        raise Conflict(ErrorCode.NOTHING_OWED)
    return Checkout(document, amount)


async def paid_in_telegram(
    session: AsyncSession, payload: str, currency: str, total: int, charge_id: str, now: datetime
) -> Recorded:
    """Telegram took the money: it is recorded whatever changed since the check (once)."""
    document = await _invoice(session, payload)
    amount = Decimal(total) * quantum(currency)
    return await record(
        session,
        document.deal_id,
        amount.quantize(CENT),
        TELEGRAM,
        now,
        external_id=f"tg:{charge_id}",
        document_id=document.id,
    )


async def _invoice(session: AsyncSession, payload: str) -> Document:
    number = payload.removeprefix(INVOICE_PAYLOAD)
    document_id = int(number) if payload.startswith(INVOICE_PAYLOAD) and number.isdigit() else 0
    document = await session.get(Document, document_id) if is_id(document_id) else None
    if document is None or document.kind != "invoice":
        raise NotFound()
    return document
