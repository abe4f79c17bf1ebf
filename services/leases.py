"""What one process of several does at a time: a named lease, taken when free or run out, kept
by renewing it, let go when done."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.engine import is_postgres
from services.db.leases import Lease


async def take(
    session: AsyncSession, name: str, holder: str, now: datetime, ttl: timedelta
) -> bool:
    """Take the lease, or renew it if `holder` has it; False while another holds it. Commits."""
    dialect = postgresql if is_postgres(session) else sqlite
    statement = dialect.insert(Lease).values(name=name, holder=holder, until=now + ttl)
    upsert = statement.on_conflict_do_update(
        index_elements=["name"],
        set_={"holder": holder, "until": now + ttl},
        where=(Lease.until < now) | (Lease.holder == holder),
    ).returning(Lease.holder)
    taken = await session.scalar(upsert)
    await session.commit()
    return bool(taken == holder)


async def take_over(
    session: AsyncSession, name: str, holder: str, gone: str, now: datetime, ttl: timedelta
) -> bool:
    """Take the lease from `gone`, a holder known to have stopped. Commits."""
    taken = await session.execute(
        update(Lease)
        .where(Lease.name == name, Lease.holder == gone)
        .values(holder=holder, until=now + ttl)
    )
    await session.commit()
    return bool(getattr(taken, "rowcount", 0))


async def holder_of(session: AsyncSession, name: str, now: datetime) -> str | None:
    lease = await session.get(Lease, name)
    return lease.holder if lease is not None and lease.until >= now else None


async def release(session: AsyncSession, name: str, holder: str) -> None:
    await session.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))
    await session.commit()
