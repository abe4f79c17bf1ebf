"""Every table of Axın, for Alembic and for tests: import each feature's models here."""

from __future__ import annotations

from services.db import conversations, followup_models, inbox, leases, models
from services.db.base import Base
from services.reports import models as report_models

metadata = Base.metadata

__all__ = [
    "conversations",
    "followup_models",
    "inbox",
    "leases",
    "metadata",
    "models",
    "report_models",
]
