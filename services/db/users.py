"""People who work in the bot: staff and customers' accounts, and invites to the team."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.db.base import Base, UtcDateTime

ALL_LANGUAGES = "en az ru"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tg_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    role: Mapped[str] = mapped_column(String(16), default="customer")
    first_name: Mapped[str] = mapped_column(String(128), default="")
    last_name: Mapped[str | None] = mapped_column(String(128))
    username: Mapped[str | None] = mapped_column(String(64))
    tg_language: Mapped[str | None] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(8))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    on_duty: Mapped[bool] = mapped_column(Boolean, default=True)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    last_assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # What assignment looks at (services/assignment.py): seniority, how many open deals at
    # most (none: no limit), the languages served and skills, each a space-separated list.
    level: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    capacity: Mapped[int | None] = mapped_column(Integer)
    languages: Mapped[str] = mapped_column(
        String(16), default=ALL_LANGUAGES, server_default=ALL_LANGUAGES
    )
    tags: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # The manager's own working hours (days as a bit mask, Monday first; minutes after
    # midnight), in the company's zone; none: the company's.
    work_days: Mapped[int | None] = mapped_column(Integer)
    work_start: Mapped[int | None] = mapped_column(Integer)
    work_end: Mapped[int | None] = mapped_column(Integer)


class Invite(Base):
    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    used_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
