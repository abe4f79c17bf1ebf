"""The unit of work handlers receive per update; they pass it to services, never query it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession as AsyncSession
