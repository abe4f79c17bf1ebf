"""Contracts on deals: number, start and end; renewal reminders to the deal's manager before
the end, each sent once; Renew opens a linked deal, Not renewing keeps the reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import events, outbox
from services.access import Actor, require_deal, require_staff
from services.conversation import get_deal
from services.dates import parse_date
from services.db.contracts import Contract
from services.db.customers import Customer
from services.db.deals import Deal
from services.db.users import User
from services.errors import ErrorCode, InvalidInput, NotFound
from services.intake import created, open_deal
from services.rules.engine import fire
from services.rules.happened import Happened
from services.rules.timers import CONTRACT
from services.users import full_name

ACTIVE, RENEWED, NOT_RENEWING = "active", "renewed", "not_renewing"
NUMBER_LENGTH = 64
REASON_LENGTH = 500
UPCOMING_DAYS = 60


@dataclass(frozen=True)
class ContractView:
    contract_id: int
    deal_id: int
    number: str
    starts_on: date
    ends_on: date
    status: str
    reason: str | None
    renewal_deal_id: int | None
    customer_name: str
    manager_id: int | None
    manager_name: str | None


def _views() -> Select[Contract, Deal, Customer, User]:
    return (
        select(Contract, Deal, Customer, User)
        .join(Deal, Deal.id == Contract.deal_id)
        .join(Customer, Customer.id == Deal.customer_id)
        .outerjoin(User, User.id == Deal.manager_id)
    )


def _view(
    contract: Contract, deal: Deal, customer: Customer, manager: User | None
) -> ContractView:
    return ContractView(
        contract_id=contract.id,
        deal_id=deal.id,
        number=contract.number,
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
        status=contract.status,
        reason=contract.reason,
        renewal_deal_id=contract.renewal_deal_id,
        customer_name=customer.name,
        manager_id=deal.manager_id,
        manager_name=full_name(manager) if manager else None,
    )


async def view(session: AsyncSession, contract_id: int) -> ContractView:
    row = (await session.execute(_views().where(Contract.id == contract_id))).first()
    if row is None:
        raise NotFound()
    return _view(*row)


async def of_deal(session: AsyncSession, actor: Actor, deal_id: int) -> ContractView | None:
    require_deal(actor, await get_deal(session, deal_id))
    row = (await session.execute(_views().where(Contract.deal_id == deal_id))).first()
    return _view(*row) if row else None


def parse_typed(text: str) -> tuple[str, date, date]:
    """ "A-17 01.01.2026 31.12.2026": the number (may hold spaces), then start and end."""
    parts = text.split()
    if len(parts) < 3:
        raise InvalidInput(ErrorCode.CONTRACT_TEXT)
    return " ".join(parts[:-2]), parse_date(parts[-2]), parse_date(parts[-1])


async def set_contract(
    session: AsyncSession,
    actor: Actor | None,
    deal_id: int,
    number: str,
    starts_on: date,
    ends_on: date,
    now: datetime,
) -> ContractView:
    """Set or change a deal's contract; `actor` None is the HTTP API (its token checked)."""
    # Held until the commit, so requests for one deal take turns and insert its contract once.
    deal = await session.get(Deal, deal_id, with_for_update=True)
    if deal is None:
        raise NotFound()
    if actor is not None:
        require_deal(actor, deal)
    number = " ".join(number.split())
    if not number or len(number) > NUMBER_LENGTH:
        raise InvalidInput(ErrorCode.CONTRACT_NUMBER)
    if ends_on < starts_on:
        raise InvalidInput(ErrorCode.CONTRACT_DATES)
    contract = await session.scalar(select(Contract).where(Contract.deal_id == deal_id))
    if contract is None:
        contract = Contract(deal_id=deal_id, status=ACTIVE, created_at=now)
        session.add(contract)
    elif contract.ends_on != ends_on and contract.status != RENEWED:
        # A new end date is a new term: its reminders are keyed by it, and it is open again.
        contract.status, contract.reason, contract.snoozed_until = ACTIVE, None, None
    contract.number, contract.starts_on, contract.ends_on = number, starts_on, ends_on
    contract.updated_at = now
    await session.flush()
    by = actor.user_id if actor else None
    events.record(session, None, by, "contract", now, deal_id, f"{number} {starts_on}–{ends_on}")
    ended = {"ends_on": ends_on.isoformat()}
    await fire(session, [Happened(CONTRACT, deal_id, f"contract:{ends_on}", ended)], now)
    await session.commit()
    return await view(session, contract.id)


async def _working(session: AsyncSession, actor: Actor, contract_id: int) -> tuple[Contract, Deal]:
    contract = await session.get(Contract, contract_id)
    if contract is None:
        raise NotFound()
    deal = await get_deal(session, contract.deal_id)
    require_deal(actor, deal)
    if contract.status != ACTIVE:
        raise InvalidInput(ErrorCode.CONTRACT_SETTLED)
    return contract, deal


async def renew(
    session: AsyncSession, actor: Actor, contract_id: int, now: datetime
) -> ContractView:
    """A new deal for the same customer and manager, linked from the contract."""
    contract, deal = await _working(session, actor, contract_id)
    customer = await session.get_one(Customer, deal.customer_id)
    renewal = await open_deal(session, customer, "manual", contract.number, now)
    manager_id = deal.manager_id or actor.user_id
    renewal.manager_id = manager_id
    events.record(session, renewal.id, actor.user_id, "assigned", now, None, manager_id)
    contract.status, contract.renewal_deal_id, contract.updated_at = RENEWED, renewal.id, now
    contract.snoozed_until = None
    events.record(session, None, actor.user_id, "contract_renewed", now, deal.id, renewal.id)
    await fire(session, created([renewal], "manual", now), now)
    # A rule that gave the renewal to someone else has sent them its card.
    if renewal.manager_id == manager_id != actor.user_id:
        manager = await session.get_one(User, manager_id)
        outbox.enqueue(
            session,
            chat_id=manager.tg_id,
            kind="deal_card",
            payload={"deal_id": renewal.id},
            dedupe_key=f"deal_card:{renewal.id}:renewal",
            now=now,
        )
    await session.commit()
    return await view(session, contract.id)


async def not_renewing(
    session: AsyncSession, actor: Actor, contract_id: int, reason: str, now: datetime
) -> ContractView:
    words = " ".join(reason.split())[:REASON_LENGTH]
    if not words:
        raise InvalidInput(ErrorCode.EMPTY_TEXT)
    contract, deal = await _working(session, actor, contract_id)
    contract.status, contract.reason, contract.updated_at = NOT_RENEWING, words, now
    contract.snoozed_until = None
    events.record(session, None, actor.user_id, "contract_not_renewing", now, deal.id, words)
    await session.commit()
    return await view(session, contract.id)


async def check_open(session: AsyncSession, actor: Actor, contract_id: int) -> ContractView:
    """Before asking for a reason: refused like the action it leads to."""
    await _working(session, actor, contract_id)
    return await view(session, contract_id)


async def snooze(
    session: AsyncSession, actor: Actor, contract_id: int, until: datetime, now: datetime
) -> ContractView:
    contract, _deal = await _working(session, actor, contract_id)
    contract.snoozed_until, contract.updated_at = until, now
    await session.commit()
    return await view(session, contract.id)


async def upcoming(
    session: AsyncSession, actor: Actor, today: date, days: int = UPCOMING_DAYS
) -> list[ContractView]:
    """Active contracts ending from today to `days` ahead: all for the owner, a manager's own."""
    require_staff(actor)
    query = _views().where(
        Contract.status == ACTIVE,
        Contract.ends_on >= today,
        Contract.ends_on <= today + timedelta(days=days),
    )
    if not actor.is_owner:
        query = query.where(Deal.manager_id == actor.user_id)
    rows = await session.execute(query.order_by(Contract.ends_on, Contract.id))
    return [_view(*row) for row in rows.all()]
