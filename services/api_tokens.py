"""Bearer tokens for the HTTP API: made and revoked by an owner (or at the server's command
line, where `actor` is None); shown once, kept only as a SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import events
from services.access import Actor, require_owner
from services.db.api_access import ApiToken
from services.errors import ErrorCode, InvalidInput, NotFound

PREFIX = "axn_"
NAME_LENGTH = 64


@dataclass(frozen=True)
class TokenView:
    token_id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool


@dataclass(frozen=True)
class NewToken:
    token_id: int
    name: str
    secret: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _check(actor: Actor | None) -> int | None:
    if actor is None:
        return None
    require_owner(actor)
    return actor.user_id


def _view(token: ApiToken) -> TokenView:
    return TokenView(
        token.id, token.name, token.created_at, token.last_used_at, token.revoked_at is not None
    )


async def create(session: AsyncSession, actor: Actor | None, name: str, now: datetime) -> NewToken:
    by = _check(actor)
    name = " ".join(name.split())[:NAME_LENGTH]
    if not name:
        raise InvalidInput(ErrorCode.TOKEN_NAME)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=digest(secret), created_by=by, created_at=now)
    session.add(token)
    await session.flush()
    events.record(session, None, by, "api_token", now, None, token.id)
    await session.commit()
    return NewToken(token.id, token.name, secret)


async def listed(session: AsyncSession, actor: Actor | None) -> list[TokenView]:
    _check(actor)
    tokens = await session.scalars(select(ApiToken).order_by(ApiToken.id))
    return [_view(t) for t in tokens.all()]


async def revoke(
    session: AsyncSession, actor: Actor | None, token_id: int, now: datetime
) -> TokenView:
    by = _check(actor)
    token = await session.get(ApiToken, token_id)
    if token is None:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = now
        events.record(session, None, by, "api_token_revoked", now, None, token.id)
        await session.commit()
    return _view(token)


async def authenticate(session: AsyncSession, secret: str, now: datetime) -> int | None:
    """The id of the live token with this secret, or None."""
    token = await session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == digest(secret), ApiToken.revoked_at.is_(None)
        )
    )
    if token is None:
        return None
    token.last_used_at = now
    await session.commit()
    return token.id


async def revoke_listed(
    session: AsyncSession, actor: Actor, token_id: int, now: datetime
) -> tuple[TokenView, list[TokenView]]:
    """Revoke, and the tokens as they are now, for the owner's list to be redrawn."""
    revoked = await revoke(session, actor, token_id, now)
    return revoked, await listed(session, actor)
