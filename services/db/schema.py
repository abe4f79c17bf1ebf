"""Every table of Axın, for Alembic and for tests: import each feature's models here."""

from __future__ import annotations

from services.db import api_access, contracts, conversations, inbox, leases, models, tasks
from services.db.base import Base
from services.reports import models as report_models

metadata = Base.metadata

__all__ = [
    "api_access",
    "contracts",
    "conversations",
    "inbox",
    "leases",
    "metadata",
    "models",
    "report_models",
    "tasks",
]
