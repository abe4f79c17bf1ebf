"""Tasks: something due at a time for one person or for the owners: a reminder on a deal, a
call-back, or a task one of the team gave another."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.db.base import Base, UtcDateTime


class Task(Base):
    """Something due at a time for one person, or for the owners together: a reminder on a
    deal, a call-back, or a task given to someone (on a deal or on none)."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_open_due", "done_at", "due_at"),
        Index("ix_tasks_assignee_open", "assignee_id", "done_at"),
        Index("ix_tasks_giver_open", "created_by", "done_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"), index=True)
    # None: the owners', any of whom may see, snooze and close it.
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Who gave it (None: a rule or the phone system); told when someone else closes it.
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
