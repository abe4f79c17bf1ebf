"""Pushed digests: which are due for which owner, each queued once per owner and period.

A digest is due once the owner's digest time has passed on a local day: the daily one for the
day before, the weekly one for the Monday-to-Sunday week before. The sent_digests row, unique
per owner and period and written with the outbox row in one transaction, keeps it to once
across restarts and several workers. A sweep that missed a day sends only the latest one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services import outbox
from services.access import OWNER
from services.db.reports import SentDigest
from services.db.users import User
from services.errors import NotFound
from services.reports.periods import Span, after_last_day, digest_periods, midnight
from services.reports.settings import OwnerSettings, Sla, owners_settings
from services.reports.worktime import Schedule

KIND = "digest"


@dataclass(frozen=True)
class Due:
    user_id: int
    chat_id: int
    span: Span
    first: date
    settings: OwnerSettings

    def payload(self) -> dict[str, Any]:
        """The period and the settings it is measured with, fixed when it fell due."""
        s = self.settings
        return {
            "user_id": self.user_id,
            "span": self.span.value,
            "first": self.first.isoformat(),
            "sla": s.sla_minutes,
            "days": s.schedule.mask,
            "start": s.schedule.start,
            "end": s.schedule.end,
        }


async def due(
    session: AsyncSession, now: datetime, zone: ZoneInfo, defaults: OwnerSettings
) -> list[Due]:
    owners = list(
        await session.scalars(select(User).where(User.role == OWNER, User.blocked.is_(False)))
    )
    chosen = await owners_settings(session, [o.id for o in owners], defaults)
    local = now.astimezone(zone)
    minutes = local.hour * 60 + local.minute
    wanted: list[Due] = []
    for owner in owners:
        mine = chosen[owner.id]
        if minutes < mine.digest_at:
            continue
        for span, first in digest_periods(local.date()).items():
            enabled = mine.daily if span is Span.DAY else mine.weekly
            # An owner added today starts with tomorrow's digest, not with empty ones.
            ended = midnight(after_last_day(span, first), zone)
            if enabled and owner.created_at <= ended:
                wanted.append(Due(owner.id, owner.tg_id, span, first, mine))
    if not wanted:
        return []
    sent = set(
        (
            await session.execute(
                select(SentDigest.user_id, SentDigest.span, SentDigest.first_day).where(
                    tuple_(SentDigest.user_id, SentDigest.span, SentDigest.first_day).in_(
                        [(d.user_id, d.span.value, d.first) for d in wanted]
                    )
                )
            )
        ).all()
    )
    return [d for d in wanted if (d.user_id, d.span.value, d.first) not in sent]


async def queue_due(
    session: AsyncSession,
    now: datetime,
    zone: ZoneInfo,
    defaults: OwnerSettings,
) -> int:
    """Queue every due digest; one another worker queued first is skipped, not repeated."""
    queued = 0
    for wanted in await due(session, now, zone, defaults):
        queued += await claim(session, wanted, now)
    await session.commit()
    return queued


async def claim(session: AsyncSession, wanted: Due, now: datetime) -> bool:
    """Record the digest as sent and queue it, both or neither; False when already taken."""
    try:
        async with session.begin_nested():
            session.add(
                SentDigest(
                    user_id=wanted.user_id,
                    span=wanted.span.value,
                    first_day=wanted.first,
                    created_at=now,
                )
            )
            outbox.enqueue(
                session,
                chat_id=wanted.chat_id,
                kind=KIND,
                payload=wanted.payload(),
                dedupe_key=f"{KIND}:{wanted.user_id}:{wanted.span.value}:{wanted.first}",
                now=now,
            )
    except IntegrityError:
        return False
    return True


@dataclass(frozen=True)
class Queued:
    span: Span
    first: date
    sla: Sla


async def queued(session: AsyncSession, chat_id: int, payload: dict[str, Any]) -> Queued:
    """What a queued digest covers; nothing to send if its reader is no longer an owner."""
    owner = await session.get(User, payload["user_id"])
    if owner is None or owner.role != OWNER or owner.tg_id != chat_id:
        raise NotFound()
    schedule = Schedule.from_mask(payload["days"], payload["start"], payload["end"])
    sla = Sla(int(payload["sla"]), schedule)
    first = date.fromisoformat(payload["first"])
    return Queued(Span(payload["span"]), first, sla)
