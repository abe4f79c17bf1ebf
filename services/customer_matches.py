"""Another customer a deal card's request may be: one with the same phone (their own number, or
given with one of their requests), the same e-mail, or, for a request from outside Telegram (a
web form, a call), one known in Telegram whose own number or e-mail the request gives."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import BindParameter, bindparam, func, literal_column, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.customers import Customer
from services.db.deals import Deal


class MatchKind(StrEnum):
    # In the order a card prefers them.
    TELEGRAM = "telegram"
    PHONE = "phone"
    EMAIL = "email"


@dataclass(frozen=True)
class CustomerMatch:
    kind: MatchKind
    # What matched: PHONE or EMAIL (for TELEGRAM, which of the account's record's two).
    by: MatchKind
    customer_id: int
    name: str
    phone: str | None
    # Their most recent request, if they have one.
    deal_id: int | None


@dataclass(frozen=True)
class Asked:
    """A card's deal, its customer, the phone and e-mail it shows, and whether that customer
    writes from a Telegram account of their own."""

    deal_id: int
    customer_id: int
    phone: str | None
    email: str | None
    in_telegram: bool


_PHONES: BindParameter[str] = bindparam("phones", expanding=True)
_HOLDERS = union_all(
    select(
        literal_column("'phone'").label("by"),
        Customer.phone.label("key"),
        Customer.id.label("customer_id"),
        literal_column("1").label("own"),
    ).where(Customer.phone.in_(_PHONES)),
    select(literal_column("'phone'"), Deal.phone, Deal.customer_id, literal_column("0")).where(
        Deal.phone.in_(_PHONES)
    ),
    select(literal_column("'email'"), Customer.email, Customer.id, literal_column("1")).where(
        Customer.email.in_(bindparam("emails", expanding=True))
    ),
).subquery()
_LATEST = (
    select(func.max(Deal.id)).where(Deal.customer_id == Customer.id).correlate(Customer)
).scalar_subquery()
_MATCHES = select(
    _HOLDERS.c.by,
    _HOLDERS.c.key,
    _HOLDERS.c.own,
    Customer.id,
    Customer.name,
    Customer.phone,
    Customer.user_id,
    _LATEST,
).join(Customer, Customer.id == _HOLDERS.c.customer_id)
_RANK = list(MatchKind)


async def customer_matches(
    session: AsyncSession, asked: Sequence[Asked]
) -> dict[int, CustomerMatch]:
    """For each card, by deal, another customer it may be: of several, the one of the kind
    listed first, then who wrote most recently. One query for all of them."""
    phones = sorted({a.phone for a in asked if a.phone})
    emails = sorted({a.email for a in asked if a.email})
    if not phones and not emails:
        return {}
    holders: dict[tuple[str, str], list[tuple[bool, int | None, CustomerMatch]]] = {}
    found = await session.execute(_MATCHES, {"phones": phones, "emails": emails})
    for by, key, own, customer_id, name, phone, user_id, latest in found:
        kind = MatchKind(by)
        match = CustomerMatch(kind, kind, customer_id, name, phone, latest)
        holders.setdefault((by, key), []).append((bool(own), user_id, match))
    matches = {}
    for card in asked:
        seen = holders.get((MatchKind.PHONE, card.phone or ""), [])
        seen = seen + holders.get((MatchKind.EMAIL, card.email or ""), [])
        others = [
            _kind_for(card, own, user_id, match)
            for own, user_id, match in seen
            if match.customer_id != card.customer_id
        ]
        if others:
            matches[card.deal_id] = min(
                others, key=lambda m: (_RANK.index(m.kind), -(m.deal_id or 0), -m.customer_id)
            )
    return matches


def _kind_for(card: Asked, own: bool, user_id: int | None, match: CustomerMatch) -> CustomerMatch:
    """A request from outside Telegram giving the own number or e-mail of a customer known in
    Telegram is maybe that account's person; between two accounts a number is only a number."""
    if own and user_id is not None and not card.in_telegram:
        return CustomerMatch(
            MatchKind.TELEGRAM, match.by, match.customer_id, match.name, match.phone, match.deal_id
        )
    return match
