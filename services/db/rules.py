"""The owner's rules: when → if → then, what each run did, the moments time rules wait for,
deals' tags and the outgoing webhooks rules post."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.db.base import Base, UtcDateTime


class Rule(Base):
    """`trigger`, `conditions` and `actions` are the rule's parts in the documented form
    (services/rules/model.py); `template` names the ready rule it was made from, if any."""

    __tablename__ = "rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer)
    trigger_kind: Mapped[str] = mapped_column(String(24), index=True)
    trigger: Mapped[dict[str, Any]] = mapped_column(JSON)
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    actions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    template: Mapped[str | None] = mapped_column(String(32))
    fired: Mapped[int] = mapped_column(Integer, default=0)
    last_run_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Why the rule was switched off by itself (a person left, a stage deleted).
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # A deleted rule stays as a row so history can still name it.
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class RuleRun(Base):
    """One firing of a rule for one deal and one event: the unique key makes a rule act at most
    once per deal per event, also when two workers see the same event."""

    __tablename__ = "rule_runs"
    __table_args__ = (UniqueConstraint("rule_id", "deal_id", "event_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("rules.id", ondelete="CASCADE"))
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    event_key: Mapped[str] = mapped_column(String(80))
    ok: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class RuleTimer(Base):
    """A moment a time rule waits for on one deal, claimed by the sweep once due; or, with no
    deal, the rule's cursor: the moment up to which it has looked (overdue tasks)."""

    __tablename__ = "rule_timers"
    __table_args__ = (
        UniqueConstraint("rule_id", "deal_id", "event_key"),
        Index("ix_rule_timers_due", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("rules.id", ondelete="CASCADE"))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"), index=True)
    event_key: Mapped[str] = mapped_column(String(80))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # For a cursor: up to when it has looked.
    seen_until: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DealTag(Base):
    __tablename__ = "deal_tags"

    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(32), primary_key=True)


class WebhookPost(Base):
    """A deal posted to an outgoing webhook: kept until the receiver answers 2xx, retried with
    growing pauses, given up after `attempts` reach the limit."""

    __tablename__ = "webhook_posts"
    __table_args__ = (Index("ix_webhook_posts_due", "sent_at", "failed_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("rules.id", ondelete="SET NULL"))
    url: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    # The rule's key the body is signed with (HMAC-SHA256), as it was when the post was made.
    secret: Mapped[str] = mapped_column(String(128))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class StandardRule(Base):
    """One of the rules every business starts with, switched on, with the values the settings
    give. Absent until an owner changes it or it first acts; `value` is the owner's own (minutes
    or days, as services/rules/standard.py says), None for the settings' value."""

    __tablename__ = "standard_rules"

    key: Mapped[str] = mapped_column(String(24), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    value: Mapped[list[int] | None] = mapped_column(JSON)
    fired: Mapped[int] = mapped_column(Integer, default=0)
    last_run_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Changed by owners' edits only, not by the rule acting.
    version: Mapped[int] = mapped_column(Integer, default=0)
