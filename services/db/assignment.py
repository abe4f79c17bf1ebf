"""The business's choice of who gets a new request: one row, changed by owners from the bot."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from services.db.base import Base, UtcDateTime

ROW_ID = 1


class AssignmentRule(Base):
    """Absent until an owner first changes it: then round-robin."""

    __tablename__ = "assignment_rule"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    strategy: Mapped[str] = mapped_column(String(16))
    # by level: requests of this amount or more go to the highest level on duty.
    level_from: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    # by tag: the tag looked for besides the request's source.
    tag: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
