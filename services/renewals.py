"""The renewal sweep: at each offset before a contract's end (at 10:00 company time) its
manager is reminded, once; a snoozed contract is reminded again when its snooze ends.

A reminder is sent once because its key (contract, end date, offset) is written in the same
transaction as the outbox row. After downtime only the latest passed offset is sent; the
earlier ones are recorded as passed, so nobody gets three reminders at once."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import outbox
from services.contracts import ACTIVE
from services.db.contracts import Contract, ContractReminder
from services.db.deals import Deal
from services.db.engine import is_postgres
from services.moments import MORNING, local_moment, local_today
from services.rules import standard
from services.users import responsible


def reminder_moments(
    contract: Contract, offsets: list[int], zone: ZoneInfo
) -> list[tuple[int, datetime]]:
    """(offset in days, when) for each offset, latest offset first."""
    return [
        (days, local_moment(contract.ends_on - timedelta(days=days), MORNING, zone))
        for days in sorted(set(offsets), reverse=True)
    ]


async def renewal_sweep(
    session: AsyncSession, now: datetime, zone: ZoneInfo, offsets: list[int]
) -> int:
    """Returns how many reminders were queued; commits. `offsets` are the standard rule's days
    until an owner changes them; nothing is queued while the rule is off."""
    rule = await standard.current(session, standard.RENEWALS, tuple(offsets))
    if not rule.enabled:
        await session.rollback()
        return 0
    offsets = list(rule.value)
    today = local_today(now, zone)
    horizon = today + timedelta(days=max(offsets, default=0) + 1)
    query = (
        select(Contract)
        .where(
            Contract.status == ACTIVE,
            Contract.ends_on >= today,
            or_(Contract.ends_on <= horizon, Contract.snoozed_until <= now),
        )
        .order_by(Contract.ends_on, Contract.id)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    queued = 0
    for contract in (await session.scalars(query)).all():
        keys = set(
            await session.scalars(
                select(ContractReminder.key).where(ContractReminder.contract_id == contract.id)
            )
        )
        due = [
            f"{contract.ends_on.isoformat()}:d{days}"
            for days, at in reminder_moments(contract, offsets, zone)
            if at <= now
        ]
        if contract.snoozed_until is not None and contract.snoozed_until <= now:
            due.append(f"snooze:{contract.snoozed_until.isoformat()}")
            contract.snoozed_until = None
        fresh = [key for key in due if key not in keys]
        for key in fresh:
            session.add(ContractReminder(contract_id=contract.id, key=key, created_at=now))
        if fresh:
            await _remind(session, contract, fresh[-1], now)
            queued += 1
    await standard.acted(session, standard.RENEWALS, now, queued)
    await session.commit()
    return queued


async def _remind(session: AsyncSession, contract: Contract, key: str, now: datetime) -> None:
    deal = await session.get_one(Deal, contract.deal_id)
    for person in await responsible(session, deal):
        outbox.enqueue(
            session,
            chat_id=person.tg_id,
            kind="renewal_due",
            payload={"contract_id": contract.id, "ends_on": contract.ends_on.isoformat()},
            dedupe_key=f"renewal:{contract.id}:{key}:{person.id}"[:128],
            now=now,
        )
