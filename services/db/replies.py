"""Quick replies: saved answers to customers in one language, the team's or one person's."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.db.base import Base, UtcDateTime


class QuickReply(Base):
    __tablename__ = "quick_replies"
    __table_args__ = (Index("ix_quick_replies_language_user", "language", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # None: the team's, kept by the owners; else the one person's who keeps it.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(64))
    # As written, placeholders ({name}, {number}, {amount}) unfilled.
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
