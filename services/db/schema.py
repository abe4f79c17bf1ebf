"""Every table of Axın, for Alembic and for tests: import each aggregate's module here."""

from __future__ import annotations

from services.db import (
    api_access,
    assignment,
    catalog,
    contracts,
    conversations,
    customers,
    deals,
    documents,
    feedback,
    fields,
    inbox,
    leases,
    outbox,
    replies,
    reports,
    rules,
    stock,
    tasks,
    users,
)
from services.db.base import Base

metadata = Base.metadata

__all__ = [
    "api_access",
    "assignment",
    "catalog",
    "contracts",
    "conversations",
    "customers",
    "deals",
    "documents",
    "feedback",
    "fields",
    "inbox",
    "leases",
    "metadata",
    "outbox",
    "replies",
    "reports",
    "rules",
    "stock",
    "tasks",
    "users",
]
