"""Where each person is in a conversation with the bot (aiogram's FSM state and data), kept in
the database when no Redis is configured, so a restart loses nothing a person typed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from services.db.base import Base, UtcDateTime


class Conversation(Base):
    __tablename__ = "conversations"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(160))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
