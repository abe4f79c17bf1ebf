"""Updates Telegram handed over, kept before Telegram is told they arrived."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.db.base import Base, UtcDateTime


class InboxUpdate(Base):
    """One update: stored once (its `update_id` is the key), handled from here."""

    __tablename__ = "inbox"
    __table_args__ = (
        Index("ix_inbox_pending", "handled_at", "update_id"),
        Index("ix_inbox_chat", "chat_id", "update_id"),
    )

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # Updates about one chat are handled in order; None when an update names no chat.
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Set with the first change the update led to, in the same transaction, or once its
    # handler finished having changed nothing.
    handled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The worker handling the update holds it until then, renewing it while it waits; after a
    # crash another takes it then (or at once, a worker of the same machine seeing it ended).
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    holder: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
