"""Customers' ratings of their closed deals: asked once per deal, answered once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from services.db.base import Base, UtcDateTime


class Feedback(Base):
    """Written when the customer is asked; the rating and comment fill in as they answer."""

    __tablename__ = "feedback"

    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), primary_key=True)
    # The customer's account, the only one whose presses count.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Whose work it rates: the deal's manager when the customer was asked.
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime)
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    rated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    comment: Mapped[str | None] = mapped_column(String(1000))


# Reports and digests count the ratings given in a period.
Index("ix_feedback_rated_at", Feedback.rated_at)
