"""Every table of Axın, for Alembic and for tests: import each feature's models here."""

from __future__ import annotations

from services.db import models
from services.db.base import Base

metadata = Base.metadata

__all__ = ["metadata", "models"]
