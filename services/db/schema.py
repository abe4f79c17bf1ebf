"""Every table of Axın, for Alembic and for tests: import each feature's models here."""

from __future__ import annotations

from services.db import followup_models, models
from services.db.base import Base
from services.reports import models as report_models

metadata = Base.metadata

__all__ = ["followup_models", "metadata", "models", "report_models"]
