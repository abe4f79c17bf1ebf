"""Customers: who writes to the business, with their phones, details and tags, and the
owner's merges of two records of one person."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, validates

from services.db.base import Base, UtcDateTime

# Case folded the same way in every language: Azerbaijani dotted and dotless i as plain i.
_FOLD = str.maketrans({"İ": "i", "I": "i", "ı": "i"})


def fold(text: str) -> str:
    """How names are searched: lowercase, Azerbaijani i's alike, spaces single."""
    return " ".join(text.translate(_FOLD).lower().split())


def _name_key(context: DefaultExecutionContext) -> str:
    parameters: dict[str, Any] = context.get_current_parameters()  # type: ignore[no-untyped-call]
    return fold(parameters.get("name") or "")


def trigram(name: str, column: str) -> Index:
    """On PostgreSQL a trigram index, which serves LIKE '%part%'; elsewhere a plain one. New
    entries wait in GIN's pending list, which every search reads whole: kept to its least,
    64 kB (the default 4 MB cost a search up to 9 ms), they are still merged in batches."""
    return Index(
        name,
        column,
        postgresql_using="gin",
        postgresql_ops={column: "gin_trgm_ops"},
        postgresql_with={"gin_pending_list_limit": 64},
    )


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (
        trigram("ix_customers_name_key", "name_key"),
        trigram("ix_customers_phone_part", "phone"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(256), default="")
    # `name` folded (services/db/customers.fold), kept with it on every write.
    name_key: Mapped[str] = mapped_column(String(256), default=_name_key, server_default="")
    # A number that identifies the customer: shared from their own Telegram account, or the
    # number a phone call or web form came from. A number someone typed is kept on the deal.
    phone: Mapped[str | None] = mapped_column(String(32), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    source: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    company: Mapped[str | None] = mapped_column(String(128))
    address: Mapped[str | None] = mapped_column(String(256))
    language: Mapped[str | None] = mapped_column(String(8))
    birthday: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    # Moves on with every edit of the card (and with a merge or its undo), so a press on an
    # older card changes nothing.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Set while the record is merged into that one (services/merge.py): it keeps its id for
    # an undo, with no number, account, e-mail or deal of its own, and is shown nowhere.
    merged_into_id: Mapped[int | None] = mapped_column(Integer)

    @validates("name")
    def _keep_key(self, _: str, name: str) -> str:
        self.name_key = fold(name or "")
        return name


class CustomerPhone(Base):
    """A number staff typed on the card, in E.164; it identifies nobody. `main` marks the one
    to call; with none marked, the customer's own number is the main one."""

    __tablename__ = "customer_phones"
    __table_args__ = (
        UniqueConstraint("customer_id", "phone"),
        trigram("ix_customer_phones_phone", "phone"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    phone: Mapped[str] = mapped_column(String(32))
    main: Mapped[bool] = mapped_column(Boolean, default=False)


class TagName(Base):
    """A customer tag's word, once for every customer carrying it (buttons name it by id)."""

    __tablename__ = "customer_tag_names"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)


class CustomerTag(Base):
    __tablename__ = "customer_tags"
    __table_args__ = (Index("ix_customer_tags_tag", "tag_id", "customer_id"),)

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("customer_tag_names.id"), primary_key=True)


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
    # The other's typed numbers that moved (customer_phones ids), and which of them was its
    # main one; its tags that moved (tag ids); its card's events (events ids).
    phones: Mapped[list[int]] = mapped_column(JSON)
    main_phone: Mapped[int | None] = mapped_column(Integer)
    tags: Mapped[list[int]] = mapped_column(JSON)
    events: Mapped[list[int]] = mapped_column(JSON)
    merged_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    merged_at: Mapped[datetime] = mapped_column(UtcDateTime)
    undone_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    undone_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
