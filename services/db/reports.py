"""Tables of the reports: each owner's report settings and the digests already sent."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.db.base import Base, UtcDateTime
from services.db.deals import Deal, Event


class ReportSettings(Base):
    """An owner's choices; an owner without a row gets the defaults from the environment."""

    __tablename__ = "report_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    daily: Mapped[bool] = mapped_column(Boolean)
    weekly: Mapped[bool] = mapped_column(Boolean)
    # Minutes after midnight, company time.
    digest_at: Mapped[int] = mapped_column(Integer)
    sla_minutes: Mapped[int] = mapped_column(Integer)
    # Bit 0 is Monday.
    work_days: Mapped[int] = mapped_column(Integer)
    work_start: Mapped[int] = mapped_column(Integer)
    work_end: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SentDigest(Base):
    """One row per owner and period: the unique key keeps a digest from going out twice."""

    __tablename__ = "sent_digests"
    __table_args__ = (UniqueConstraint("user_id", "span", "first_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    span: Mapped[str] = mapped_column(String(4))
    first_day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


# Partial indexes: per deal, its first responses and its stage moves only. Small, so a deal's
# first response time and furthest stage are one short index lookup each (queries name the
# kinds literally, as these conditions do, so the databases can use them).
FIRST_RESPONSE_WHERE = text("kind IN ('taken', 'first_response')")
STAGE_MOVES_WHERE = text("kind IN ('stage', 'reopened')")
Index(
    "ix_events_first_response",
    Event.deal_id,
    Event.created_at,
    sqlite_where=FIRST_RESPONSE_WHERE,
    postgresql_where=FIRST_RESPONSE_WHERE,
)
# The kind, though implied, makes the index covering: SQLite otherwise reads each event's row.
Index(
    "ix_events_stage_moves",
    Event.deal_id,
    Event.to_value,
    Event.kind,
    sqlite_where=STAGE_MOVES_WHERE,
    postgresql_where=STAGE_MOVES_WHERE,
)
# Won and lost in a period are found by when the deal closed.
Index("ix_deals_closed_at", Deal.closed_at)
