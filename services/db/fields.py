"""Fields the business defines for deals and customers, and the values filled in."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.db.base import Base, UtcDateTime


class FieldDef(Base):
    """One field: `entity` is deal or customer, `kind` says how values are typed and shown;
    `key` names it in the HTTP API and never changes. `choices` (for kind choice) is a list of
    {"key": …, "names": {language: name}}."""

    __tablename__ = "field_defs"
    __table_args__ = (UniqueConstraint("entity", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity: Mapped[str] = mapped_column(String(8))
    key: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(8))
    names: Mapped[dict[str, str]] = mapped_column(JSON)
    choices: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer)
    # A field switched off is neither shown nor filled; its values stay.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class FieldValue(Base):
    """A field's value on one deal or customer, in its stored form: text as typed, a number
    as a plain decimal string, a date in ISO, yes/no as "yes" or "no", a choice as its key."""

    __tablename__ = "field_values"
    __table_args__ = (
        UniqueConstraint("field_id", "object_id"),
        Index("ix_field_values_object", "entity", "object_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity: Mapped[str] = mapped_column(String(8))
    object_id: Mapped[int] = mapped_column(Integer)
    field_id: Mapped[int] = mapped_column(ForeignKey("field_defs.id"))
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
