"""Where a request entered by hand came from: one list, the built-in sources and the owner's
own. A request entered by hand (source `manual`) keeps its lead source in `source_detail`: a
built-in key, or the owner's source by the name it had. Reports and the export show a request
by its lead source, so the lists agree everywhere."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import Actor, require_owner
from services.db.deals import LeadSource
from services.errors import ErrorCode, InvalidInput, NotFound

MANUAL = "manual"
BUILT_IN = ("walk_in", "phone", "instagram", "whatsapp", "email", "recommendation")
# Keys a name of the owner's may not take: they would read as a built-in source.
RESERVED = (*BUILT_IN, "telegram", "web", MANUAL)
NAME_LENGTH = 64


@dataclass(frozen=True)
class Source:
    key: str
    # The owner's own source; None for a built-in one.
    own_id: int | None = None


def shown_source(source: str, detail: str | None) -> str:
    """The source a request is counted and shown under: the lead source of one entered by
    hand, else how it came (telegram, web, phone …)."""
    return detail if source == MANUAL and detail else source


async def offered(session: AsyncSession) -> list[Source]:
    """The sources staff choose from: the built-in ones, then the owner's in the order added."""
    own = await session.scalars(select(LeadSource).order_by(LeadSource.id))
    return [Source(key) for key in BUILT_IN] + [Source(s.name, s.id) for s in own]


async def managed(session: AsyncSession, actor: Actor) -> list[Source]:
    """The list as the owner manages it."""
    require_owner(actor)
    return await offered(session)


async def add(
    session: AsyncSession,
    actor: Actor,
    name: str,
    now: datetime,
    shown: Iterable[str] = (),
) -> list[Source]:
    """The owner's new source, unless the name is empty, too long or in the list already:
    as a key or an owner's name, or as `shown` (the reserved sources' names in the owner's
    language), whatever its case, spaces and punctuation ("Walk-in" is walk_in)."""
    require_owner(actor)
    name = " ".join(name.split())
    own = [source.key for source in await offered(session)]
    known = {_folded(taken) for taken in (*own, *RESERVED, *shown)}
    if not name or len(name) > NAME_LENGTH or _folded(name) in known:
        raise InvalidInput(ErrorCode.LEAD_SOURCE)
    session.add(LeadSource(name=name, created_at=now))
    await session.commit()
    return await offered(session)


def _folded(name: str) -> str:
    letters = "".join(ch for ch in name.casefold() if ch.isalnum())
    return letters or name.casefold()


async def remove(session: AsyncSession, actor: Actor, source_id: int) -> list[Source]:
    """The owner's source is no longer offered; requests entered with it keep its name."""
    require_owner(actor)
    source = await session.get(LeadSource, source_id)
    if source is None:
        raise NotFound()
    await session.delete(source)
    await session.commit()
    return await offered(session)
