"""One-time, expiring invitations that turn a Telegram account into a manager."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import events, outbox
from services.access import MANAGER, OWNER, Actor, require_owner
from services.db.users import Invite, User
from services.errors import Conflict, ErrorCode, InvalidInput


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_invite(
    session: AsyncSession, actor: Actor, now: datetime, ttl: timedelta
) -> tuple[str, datetime]:
    require_owner(actor)
    token = secrets.token_urlsafe(24)
    expires = now + ttl
    session.add(
        Invite(
            token_hash=token_hash(token),
            created_by=actor.user_id,
            created_at=now,
            expires_at=expires,
        )
    )
    await session.commit()
    return token, expires


@dataclass(frozen=True)
class Joined:
    user_id: int
    first_name: str


async def accept_invite(session: AsyncSession, actor: Actor, token: str, now: datetime) -> Joined:
    invite = await session.scalar(
        select(Invite).where(Invite.token_hash == token_hash(token)).with_for_update()
    )
    if invite is None or invite.used_at is not None or invite.expires_at <= now:
        raise InvalidInput(ErrorCode.INVITE)
    user = await session.get_one(User, actor.user_id)
    if user.role == OWNER:
        raise Conflict(ErrorCode.ALREADY_OWNER)
    if user.role == MANAGER and user.is_active:
        raise Conflict(ErrorCode.ALREADY_MANAGER)
    user.role = MANAGER
    user.is_active = True
    user.on_duty = True
    invite.used_at = now
    invite.used_by = user.id
    events.record(session, None, user.id, "manager_joined", now, to_value=user.id)
    owner = await session.get_one(User, invite.created_by)
    outbox.enqueue(
        session,
        chat_id=owner.tg_id,
        kind="manager_joined",
        payload={"user_id": user.id},
        dedupe_key=f"manager_joined:{invite.id}",
        now=now,
    )
    await session.commit()
    return Joined(user.id, user.first_name)
