"""Quotes and invoices made from a deal's items: numbered, kept as made (a changed deal gets a
new version, none is edited), sent to the customer in the chat and accepted there.

The PDF itself is laid out above this layer, off the event loop; this keeps what it shows,
the bytes once made and Telegram's file id once uploaded, so the bytes go up only once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from services import contract_files, events, outbox
from services.access import Actor, locale_of, require_deal, require_staff
from services.conversation import get_deal
from services.db.customers import Customer
from services.db.deals import Deal
from services.db.documents import Document
from services.db.users import User
from services.document_content import content, contract_extra
from services.document_numbers import PREFIXES, next_number
from services.errors import AccessDenied, Conflict, ErrorCode, InvalidInput, NotFound
from services.item_views import deal_items
from services.rules.engine import fire
from services.rules.happened import Happened
from services.rules.model import QUOTE_ACCEPTED
from services.users import responsible

QUOTE, INVOICE, CONTRACT = "quote", "invoice", "contract"
KINDS = tuple(PREFIXES)


@dataclass(frozen=True)
class Made:
    document: Document
    # False when the deal had not changed since the last one of its kind: that one is given.
    new: bool


async def make(
    session: AsyncSession,
    actor: Actor,
    deal_id: int,
    kind: str,
    default_locale: str,
    now: datetime,
) -> Made:
    if kind not in KINDS:
        raise InvalidInput()
    # The deal's row is locked, so two presses at once make one version, not two.
    deal = (
        await session.scalars(select(Deal).where(Deal.id == deal_id).with_for_update())
    ).one_or_none()
    if deal is None:
        raise NotFound()
    require_deal(actor, deal)
    items = await deal_items(session, deal.id)
    extra = None
    if kind == CONTRACT:
        template = await contract_files.current(session)
        if template is None:
            raise Conflict(ErrorCode.NO_TEMPLATE)
        extra = await contract_extra(session, deal, template.id)
    elif not items.items:
        raise InvalidInput(ErrorCode.NO_ITEMS)
    customer = await session.get_one(Customer, deal.customer_id)
    reader = await session.get(User, customer.user_id) if customer.user_id else None
    locale = locale_of(reader, default_locale) if reader is not None else default_locale
    made = await content(session, deal, items, customer, locale, now, extra)
    latest = await _latest(session, deal.id, kind)
    if latest is not None and latest.fingerprint == made.fingerprint and latest.locale == locale:
        return Made(latest, new=False)
    document = Document(
        deal_id=deal.id,
        kind=kind,
        # The year of the date it bears, in the company's time zone.
        number=await next_number(session, kind, date.fromisoformat(made.data["made_on"]).year),
        version=latest.version + 1 if latest is not None else 1,
        locale=locale,
        content=made.data,
        fingerprint=made.fingerprint,
        total=items.totals.total if items.items else deal.amount or 0,
        created_by=actor.user_id,
        created_at=now,
    )
    session.add(document)
    await session.flush()
    events.record(session, deal.id, actor.user_id, "document", now, kind, document.number)
    await session.commit()
    return Made(document, new=True)


async def _latest(session: AsyncSession, deal_id: int, kind: str) -> Document | None:
    return (
        await session.scalars(
            select(Document)
            .where(Document.deal_id == deal_id, Document.kind == kind)
            .order_by(Document.version.desc())
            .limit(1)
        )
    ).first()


async def get(session: AsyncSession, actor: Actor, document_id: int) -> Document:
    """A document of a deal the actor works."""
    require_staff(actor)
    document = await session.get(Document, document_id)
    if document is None:
        raise NotFound()
    require_deal(actor, await get_deal(session, document.deal_id))
    return document


async def of_deal(session: AsyncSession, actor: Actor, deal_id: int) -> list[Document]:
    """The deal's documents, newest first."""
    require_deal(actor, await get_deal(session, deal_id))
    return list(
        await session.scalars(
            select(Document).where(Document.deal_id == deal_id).order_by(Document.id.desc())
        )
    )


async def keep_pdf(session: AsyncSession, document: Document, data: bytes) -> None:
    """The file made, kept unless another press made it first (that one stands)."""
    await _keep_once(session, document, Document.data, data)


async def keep_file_id(session: AsyncSession, document: Document, file_id: str) -> None:
    await _keep_once(session, document, Document.file_id, file_id)


async def _keep_once(
    session: AsyncSession, document: Document, column: InstrumentedAttribute[Any], value: object
) -> None:
    await session.execute(
        update(Document)
        .where(Document.id == document.id, column.is_(None))
        .values({column.key: value})
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    await session.refresh(document)


async def send(session: AsyncSession, actor: Actor, document_id: int, now: datetime) -> None:
    """To the customer's chat, with Accept and Ask a question; sent again when asked again."""
    document = await get(session, actor, document_id)
    if document.data is None and document.file_id is None:
        raise Conflict(ErrorCode.DOCUMENT_NOT_READY)
    deal = await get_deal(session, document.deal_id)
    customer = await session.get_one(Customer, deal.customer_id)
    recipient = await session.get(User, customer.user_id) if customer.user_id else None
    if recipient is None:
        raise Conflict(ErrorCode.NO_TELEGRAM)
    outbox.enqueue(
        session,
        chat_id=recipient.tg_id,
        kind="document",
        payload={"document_id": document.id, "deal_id": deal.id},
        dedupe_key=f"document:{document.id}:{now.isoformat()}",
        now=now,
    )
    document.sent_at = document.sent_at or now
    deal.last_activity_at = now
    events.record(
        session, deal.id, actor.user_id, "document_sent", now, document.kind, document.number
    )
    await session.commit()


async def check_customer(session: AsyncSession, user_id: int, document_id: int) -> Document:
    """A document sent to this customer."""
    document = await session.get(Document, document_id)
    if document is None or document.sent_at is None:
        raise NotFound()
    deal = await get_deal(session, document.deal_id)
    customer = await session.get_one(Customer, deal.customer_id)
    if customer.user_id != user_id:
        raise AccessDenied()
    return document


@dataclass(frozen=True)
class Accepted:
    document: Document
    already: bool


async def accept(session: AsyncSession, user: User, document_id: int, now: datetime) -> Accepted:
    """The customer accepts a document sent to them: recorded (who, when, which version),
    the deal's manager told; nothing moves by itself, but rules may act on it."""
    document = await check_customer(session, user.id, document_id)
    deal = await get_deal(session, document.deal_id)
    if document.accepted_at is not None:
        return Accepted(document, already=True)
    replaced = await session.scalar(
        select(
            exists().where(
                Document.deal_id == deal.id,
                Document.kind == document.kind,
                Document.version > document.version,
                Document.sent_at.is_not(None),
            )
        )
    )
    if replaced:
        raise Conflict(ErrorCode.DOCUMENT_REPLACED)
    document.accepted_at, document.accepted_by = now, user.id
    deal.last_activity_at = now
    events.record(
        session, deal.id, user.id, "document_accepted", now, document.kind, document.number
    )
    await _tell_staff(session, deal, document, now)
    if document.kind == QUOTE:
        await fire(session, [Happened(QUOTE_ACCEPTED, deal.id, f"accepted:{document.id}")], now)
    await session.commit()
    return Accepted(document, already=False)


async def _tell_staff(
    session: AsyncSession, deal: Deal, document: Document, now: datetime
) -> None:
    """The deal's manager is told; a deal nobody works, its owners."""
    told = await responsible(session, deal)
    for user in told:
        outbox.enqueue(
            session,
            chat_id=user.tg_id,
            kind="document_accepted",
            payload={"document_id": document.id, "deal_id": deal.id},
            dedupe_key=f"document_accepted:{document.id}:{user.id}",
            now=now,
        )
