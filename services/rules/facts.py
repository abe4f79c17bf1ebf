"""What conditions look at in a deal, read once per deal per evaluation."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import NoResultFound
from sqlalchemy.ext.asyncio import AsyncSession

from services.assignment import WorkingHours, language_of
from services.db.customers import Customer
from services.db.deals import Deal
from services.db.feedback import Feedback
from services.db.fields import FieldDef, FieldValue
from services.db.rules import DealTag
from services.db.users import User
from services.field_kinds import CUSTOMER
from services.rules.model import (
    AMOUNT,
    COMPARING,
    EMPTY,
    EQ,
    FIELD_PREFIX,
    FILLED,
    GE,
    GT,
    IN,
    LANGUAGE,
    LE,
    LT,
    MANAGER,
    NE,
    NOT_IN,
    RATING,
    SOURCE,
    STAGE,
    TAG,
    WORKING_HOURS,
    Condition,
)


@dataclass
class Facts:
    deal: Deal
    language: str | None
    tags: set[str]
    # Field values by key, in stored form.
    fields: dict[str, str]
    # The customer's Telegram account, when they have one and have not blocked the bot.
    customer: User | None = None
    rating: int | None = None

    def value(self, fact: str) -> Any:
        if fact == SOURCE:
            return self.deal.source
        if fact == STAGE:
            return self.deal.stage_id
        if fact == AMOUNT:
            return self.deal.amount
        if fact == MANAGER:
            return self.deal.manager_id
        if fact == LANGUAGE:
            return self.language
        if fact == RATING:
            return self.rating
        return self.fields.get(fact[len(FIELD_PREFIX) :])


async def facts_of_all(session: AsyncSession, deal_ids: Collection[int]) -> dict[int, Facts]:
    """The facts of several deals in five queries, whatever their number."""
    ids = list(deal_ids)
    if not ids:
        return {}
    deals = {
        deal.id: deal
        for deal in await session.scalars(
            select(Deal).where(Deal.id.in_(ids)).execution_options(populate_existing=True)
        )
    }
    missing = set(ids) - deals.keys()
    if missing:
        raise NoResultFound(f"no deal {min(missing)}")
    customers = {deal.customer_id for deal in deals.values()}
    accounts: dict[int, User] = {
        customer_id: user
        for customer_id, user in await session.execute(
            select(Customer.id, User)
            .join(User, User.id == Customer.user_id)
            .where(Customer.id.in_(customers))
        )
    }
    languages = {customer_id: language_of(user) for customer_id, user in accounts.items()}
    tags: dict[int, set[str]] = {deal_id: set() for deal_id in deals}
    for deal_id, tag in await session.execute(
        select(DealTag.deal_id, DealTag.tag).where(DealTag.deal_id.in_(ids))
    ):
        tags[deal_id].add(tag)
    values = await session.execute(
        select(FieldDef.key, FieldDef.entity, FieldValue.value, FieldValue.object_id)
        .join(FieldValue, FieldValue.field_id == FieldDef.id)
        .where(
            ((FieldDef.entity == CUSTOMER) & FieldValue.object_id.in_(customers))
            | ((FieldDef.entity != CUSTOMER) & FieldValue.object_id.in_(ids))
        )
    )
    ratings: dict[int, int | None] = {
        deal_id: rating
        for deal_id, rating in await session.execute(
            select(Feedback.deal_id, Feedback.rating).where(
                Feedback.deal_id.in_(ids), Feedback.rating.is_not(None)
            )
        )
    }
    by_customer: dict[int, dict[str, str]] = {}
    by_deal: dict[int, dict[str, str]] = {}
    for key, entity, value, object_id in values.all():
        (by_customer if entity == CUSTOMER else by_deal).setdefault(object_id, {})[key] = value
    return {
        deal_id: Facts(
            deal,
            languages.get(deal.customer_id),
            tags[deal_id],
            # A deal's own field wins over its customer's of the same key.
            {**by_customer.get(deal.customer_id, {}), **by_deal.get(deal_id, {})},
            _reachable(accounts.get(deal.customer_id)),
            ratings.get(deal_id),
        )
        for deal_id, deal in deals.items()
    }


def _reachable(user: User | None) -> User | None:
    return None if user is None or user.blocked else user


def holds(condition: Condition, facts: Facts, now: datetime, hours: WorkingHours) -> bool:
    op, wanted = condition.op, condition.value
    if condition.fact == WORKING_HOURS:
        inside = hours.open_at(now)
        return inside is wanted if op == EQ else inside is not wanted
    if condition.fact == TAG:
        return _tagged(op, wanted, facts.tags)
    value = facts.value(condition.fact)
    if op == EMPTY:
        return value is None or value == ""
    if op == FILLED:
        return not (value is None or value == "")
    if value is None:
        return op in (NE, NOT_IN)
    if op in COMPARING:
        number = _decimal(value)
        if number is None:
            return False
        limit = Decimal(str(wanted))
        return {GT: number > limit, GE: number >= limit, LT: number < limit, LE: number <= limit}[
            op
        ]
    if op in (IN, NOT_IN):
        inside = any(_same(value, item) for item in wanted)
        return inside if op == IN else not inside
    return _same(value, wanted) if op == EQ else not _same(value, wanted)


def _tagged(op: str, wanted: Any, tags: set[str]) -> bool:
    if op == EMPTY:
        return not tags
    if op == FILLED:
        return bool(tags)
    if op in (IN, NOT_IN):
        inside = any(str(item).lower() in tags for item in wanted)
        return inside if op == IN else not inside
    inside = str(wanted).lower() in tags
    return inside if op == EQ else not inside


def _same(value: Any, wanted: Any) -> bool:
    """Numbers compare as numbers ("1000" is 1000.00); yes/no as the stored "yes"/"no"."""
    if isinstance(wanted, bool):
        return str(value) == ("yes" if wanted else "no")
    number, other = _decimal(value), _decimal(wanted)
    if number is not None and other is not None:
        return number == other
    return str(value).strip().lower() == str(wanted).strip().lower()


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None
