"""Whether the database and Redis answer, for /healthz."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession


async def database_ok(session: AsyncSession) -> bool:
    try:
        await session.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError):
        return False
    return True


async def redis_ok(redis: Redis, timeout: float) -> bool:
    """Redis answers a PING within `timeout` seconds."""
    try:
        async with asyncio.timeout(timeout):
            await redis.ping()
    except (RedisError, OSError, TimeoutError):
        return False
    return True
