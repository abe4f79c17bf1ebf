"""Idempotent intake over HTTP: an endpoint accepts each external id once and answers a
repeat with the first answer, changing nothing. The unique key decides between racing twins."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.api_access import ApiRequest

Response = dict[str, Any]


async def _stored(session: AsyncSession, endpoint: str, external_id: str) -> Response | None:
    return await session.scalar(
        select(ApiRequest.response).where(
            ApiRequest.endpoint == endpoint, ApiRequest.external_id == external_id
        )
    )


async def once(
    session: AsyncSession,
    endpoint: str,
    external_id: str,
    token_id: int | None,
    now: datetime,
    work: Callable[[], Awaitable[Response]],
) -> tuple[Response, bool]:
    """Run `work` (which must not commit) unless this id was seen; commits. Returns the
    answer and whether it is a repeat."""
    stored = await _stored(session, endpoint, external_id)
    if stored is not None:
        return stored, True
    response = await work()
    session.add(
        ApiRequest(
            endpoint=endpoint,
            external_id=external_id,
            token_id=token_id,
            response=response,
            created_at=now,
        )
    )
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        stored = await _stored(session, endpoint, external_id)
        if stored is None:
            raise
        return stored, True
    return response, False
