"""The owner joins two customer records a deal card shows may be one person (same phone, e-mail
or Telegram account): the card's customer joins the other. Offered only while the card shows
that match, and refused when both records write from a Telegram account of their own (two
people, or one with two accounts: the bot could answer only one of them). The merge is kept
with what it moved (`CustomerMerge`), so that `services.unmerge` can undo it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import Actor, require_owner
from services.conversation import get_deal
from services.customer_rows import row_of
from services.customers import held, join
from services.db.customers import Customer, CustomerMerge
from services.db.deals import Deal
from services.errors import Conflict, ErrorCode
from services.pipeline import StaleCard
from services.views import DealCard, deal_card


class BothInTelegram(Conflict):
    code = ErrorCode.MERGE_BOTH_TELEGRAM


@dataclass(frozen=True)
class Named:
    name: str
    phone: str | None


@dataclass(frozen=True)
class Merged:
    """The card as it is now, and the merge, for its undo."""

    card: DealCard
    merge_id: int
    customer: Named
    into: Named


@dataclass(frozen=True)
class Merging:
    """What the owner is asked to confirm: the card's customer joins `into`."""

    card: DealCard
    customer: Named
    into: Named


async def preview(
    session: AsyncSession, actor: Actor, deal_id: int, seen: int, other_id: int
) -> Merging:
    card, mine, other = await _pair(session, actor, deal_id, seen, other_id)
    return Merging(card, _named(mine), _named(other))


async def merge(
    session: AsyncSession, actor: Actor, deal_id: int, seen: int, other_id: int, now: datetime
) -> Merged:
    """The card's customer joins the other; the card is then drawn as it is."""
    _, mine, other = await _pair(session, actor, deal_id, seen, other_id)
    # A merge or an undo of either record meanwhile is waited for, and then seen.
    await held(session, mine.id, other.id)
    if mine.merged_into_id is not None or other.merged_into_id is not None:
        await _stale(session, deal_id)
    # Of two presses at once, only the first finds the card's version.
    claimed = cast(
        CursorResult[Any],
        await session.execute(
            update(Deal)
            .where(Deal.id == deal_id, Deal.version == seen, Deal.customer_id == mine.id)
            .values(version=seen + 1)
            .execution_options(synchronize_session=False)
        ),
    )
    if claimed.rowcount != 1:
        await _stale(session, deal_id)
    named, into, before = _named(mine), _named(other), row_of(mine)
    joined = await join(session, into=other, other=mine, actor_id=actor.user_id, now=now)
    record = CustomerMerge(
        into_id=other.id,
        other_id=mine.id,
        other=before,
        phone=before["phone"],
        filled=joined.filled,
        deals=joined.deals,
        phoned=joined.phoned,
        field_values=joined.valued,
        phones=joined.card.phones,
        main_phone=joined.card.main_phone,
        tags=joined.card.tags,
        events=joined.card.events,
        merged_by=actor.user_id,
        merged_at=now,
    )
    session.add(record)
    await session.flush()
    merge_id = record.id
    await session.commit()
    session.expire_all()
    return Merged(await deal_card(session, deal_id), merge_id, named, into)


async def _pair(
    session: AsyncSession, actor: Actor, deal_id: int, seen: int, other_id: int
) -> tuple[DealCard, Customer, Customer]:
    """The card's customer and the other, as long as the card is current and shows this match
    (a forged or stale press gets the card as it is now)."""
    require_owner(actor)
    deal = await get_deal(session, deal_id)
    card = await deal_card(session, deal_id)
    match = card.match
    if deal.version != seen or match is None or match.customer_id != other_id:
        await _stale(session, deal_id)
    mine = await session.get_one(Customer, deal.customer_id)
    other = await session.get_one(Customer, other_id)
    if mine.user_id is not None and other.user_id is not None:
        raise BothInTelegram()
    return card, mine, other


def _named(customer: Customer) -> Named:
    return Named(customer.name, customer.phone)


async def _stale(session: AsyncSession, deal_id: int) -> NoReturn:
    await session.rollback()
    raise StaleCard(await deal_card(session, deal_id))
