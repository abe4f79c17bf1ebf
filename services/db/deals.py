"""Deals and what happens to them: the pipeline's stages, each deal, its messages and events."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.db.base import Base, UtcDateTime


class Stage(Base):
    __tablename__ = "stages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8), default="open")
    names: Mapped[dict[str, str]] = mapped_column(JSON)
    notify_customer: Mapped[bool] = mapped_column(Boolean, default=False)
    # A deal entering it holds the stock its items need (services/stock.py).
    reserves: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # A deleted stage stays as a row so history can still name it.
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Deal(Base):
    __tablename__ = "deals"
    __table_args__ = (
        Index("ix_deals_manager_open", "manager_id", "closed_at"),
        Index("ix_deals_stage_open", "stage_id", "closed_at"),
        Index("ix_deals_open_activity", "closed_at", "last_activity_at"),
        # A manager's customers, read from the index alone (services/customer_views.visible).
        Index("ix_deals_manager_customer", "manager_id", "customer_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    # What the website form said of where the lead came from ("instagram", a landing page).
    source_detail: Mapped[str | None] = mapped_column(String(64))
    # The number given with this request; it proves nothing about who gave it.
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    title: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    taken_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_activity_at: Mapped[datetime] = mapped_column(UtcDateTime)
    lost_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # How far the not-taken escalation moved it: 0 not, 1 to the next manager, 2 to the owners.
    escalated: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Since when it holds stock for its items (services/stock.py); None: it holds none.
    reserved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Message(Base):
    """One message of a deal's conversation, in either direction."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    direction: Mapped[str] = mapped_column(String(4))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    file_id: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ChatMessage(Base):
    """A message the bot showed in someone's chat, so a reply to it finds its deal."""

    __tablename__ = "chat_messages"
    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"), index=True)
    # Set for a change of the customer's card (then deal_id is None).
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(32))
    from_value: Mapped[str | None] = mapped_column(Text)
    to_value: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    # Set when a rule did it: the history says "by rule «…»".
    rule_id: Mapped[int | None] = mapped_column(Integer)


class LeadSource(Base):
    """A source of requests the owner added to the built-in ones (services/lead_sources.py).
    A request keeps the name it was entered with, so removing one changes no request."""

    __tablename__ = "lead_sources"
    # Ids are never used again (SQLite would reuse a deleted row's): a Remove button names a
    # source by its id.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
