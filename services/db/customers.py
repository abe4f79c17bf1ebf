"""Customers: who writes to the business, with their phone and language."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.db.base import Base, UtcDateTime


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(256), default="")
    # A number that identifies the customer: shared from their own Telegram account, or the
    # number a phone call or web form came from. A number someone typed is kept on the deal.
    phone: Mapped[str | None] = mapped_column(String(32), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    source: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Set while the record is merged into that one (services/merge.py): it keeps its id for
    # an undo, with no number, account, e-mail or deal of its own, and is shown nowhere.
    merged_into_id: Mapped[int | None] = mapped_column(Integer)


class CustomerMerge(Base):
    """An owner's merge of `other_id` into `into_id`, with what it moved, so it can be undone:
    the other record's columns as they were (`other`), the columns of the kept record the
    merge filled in with what they held before (`filled`), the deals that moved and those whose
    phone was set from the other's own number (`phoned`)."""

    __tablename__ = "customer_merges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    into_id: Mapped[int] = mapped_column(Integer, index=True)
    other_id: Mapped[int] = mapped_column(Integer, index=True)
    other: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The other record's own number: calls and forms from it come to the kept record.
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    filled: Mapped[dict[str, Any]] = mapped_column(JSON)
    deals: Mapped[list[int]] = mapped_column(JSON)
    phoned: Mapped[list[int]] = mapped_column(JSON)
    # The other's values of the owner's customer fields that became the kept record's.
    field_values: Mapped[list[int]] = mapped_column(JSON)
    merged_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    merged_at: Mapped[datetime] = mapped_column(UtcDateTime)
    undone_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    undone_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
