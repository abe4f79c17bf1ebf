"""What conditions look at in a deal, read once per deal per evaluation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.assignment import WorkingHours, language_of
from services.db.customers import Customer
from services.db.deals import Deal
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
        return self.fields.get(fact[len(FIELD_PREFIX) :])


async def facts_of(session: AsyncSession, deal_id: int) -> Facts:
    deal = await session.get_one(Deal, deal_id, populate_existing=True)
    customer_user = await session.scalar(
        select(User)
        .join(Customer, Customer.user_id == User.id)
        .where(Customer.id == deal.customer_id)
    )
    tags = set(await session.scalars(select(DealTag.tag).where(DealTag.deal_id == deal_id)))
    values = await session.execute(
        select(FieldDef.key, FieldDef.entity, FieldValue.value, FieldValue.object_id)
        .join(FieldValue, FieldValue.field_id == FieldDef.id)
        .where(
            ((FieldDef.entity == CUSTOMER) & (FieldValue.object_id == deal.customer_id))
            | ((FieldDef.entity != CUSTOMER) & (FieldValue.object_id == deal.id))
        )
    )
    fields = {key: value for key, _entity, value, _object in values.all()}
    language = language_of(customer_user) if customer_user is not None else None
    return Facts(deal, language, tags, fields)


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
