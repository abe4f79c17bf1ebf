"""The company as its documents show it, and the documents made for deals: quotes and invoices,
each version kept as it was made and sent."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.db.base import Base, UtcDateTime


class CompanyDetails(Base):
    """One row per language the owner filled: a customer's documents are in their language."""

    __tablename__ = "company_details"

    locale: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(Text, default="")
    tax_number: Mapped[str] = mapped_column(Text, default="")
    bank: Mapped[str] = mapped_column(Text, default="")
    footer: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CompanyLogo(Base):
    """The logo the owner sent, as the documents print it (a single row)."""

    __tablename__ = "company_logo"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DocumentCounter(Base):
    """The last number given to a kind of document in a year: taken and raised in the
    transaction that writes the document, so a number is never skipped or given twice."""

    __tablename__ = "document_counters"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)


class Document(Base):
    """A document as it was made: `content` is what it shows (the deal's lines and totals,
    the company and the customer at that moment), `data` the PDF made from it, `file_id`
    Telegram's id for it once uploaded. A changed deal gets a new version; none is edited."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("number"),
        UniqueConstraint("deal_id", "kind", "version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The unique (deal, kind, version) serves looking documents up by deal.
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"))
    kind: Mapped[str] = mapped_column(String(16))
    number: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    locale: Mapped[str] = mapped_column(String(8))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    # What the content was made from, to tell whether the deal has changed since.
    fingerprint: Mapped[str] = mapped_column(String(64))
    total: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    file_id: Mapped[str | None] = mapped_column(String(256))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    accepted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Payment(Base):
    """Money received for a deal: marked by a manager, posted by an accounting system, or
    paid in Telegram. `external_id` (the system's, or Telegram's charge id) makes a repeat
    of the same payment change nothing."""

    __tablename__ = "payments"
    __table_args__ = (UniqueConstraint("external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    # The invoice paid, when it was paid from one.
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    method: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str | None] = mapped_column(String(128))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PaymentSettings(Base):
    """The payment provider's token the owner gave (from @BotFather's Payments): kept as
    given, as Telegram needs it with every invoice; never shown back or logged."""

    __tablename__ = "payment_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_token: Mapped[str] = mapped_column(String(256))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ContractTemplate(Base):
    """The owner's Word file contracts are made from; the newest is the one in use, the ones
    before it kept for the contracts made from them."""

    __tablename__ = "contract_templates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    # The placeholders it uses, as checked when it came.
    placeholders: Mapped[list[str]] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Delivery(Base):
    """When a deal's order is delivered and how the customer tracks it, as a manager typed."""

    __tablename__ = "deliveries"

    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), primary_key=True)
    delivery_on: Mapped[date | None] = mapped_column(Date)
    tracking: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
