"""Tables of follow-ups: tasks and reminders, contracts and their renewal reminders, and the
HTTP API's tokens and the external ids it has already accepted."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.db.base import Base, UtcDateTime


class Task(Base):
    """Something due at a time for one person: a reminder on a deal, or a call-back."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_open_due", "done_at", "due_at"),
        Index("ix_tasks_assignee_open", "assignee_id", "done_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"), index=True)
    assignee_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    done_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Set when the due notice for the current due_at is queued; a snooze clears it.
    notified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The owner is told once that the task is long overdue.
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Missed calls folded into one call-back task.
    calls: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Contract(Base):
    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), unique=True)
    number: Mapped[str] = mapped_column(String(64))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    reason: Mapped[str | None] = mapped_column(Text)
    renewal_deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"))
    snoozed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ContractReminder(Base):
    """One row per renewal reminder: the unique key keeps each from going out twice."""

    __tablename__ = "contract_reminders"
    __table_args__ = (UniqueConstraint("contract_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    key: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ApiToken(Base):
    """A bearer token for the HTTP API; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ApiRequest(Base):
    """An external id already accepted by an endpoint, with the answer it got, so a repeat
    is answered the same and changes nothing."""

    __tablename__ = "api_requests"
    __table_args__ = (UniqueConstraint("endpoint", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    endpoint: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(128))
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
