"""What of a customer's card goes with a merge to the kept record, and back with its undo: the
typed numbers (none of them main on the kept card; one the kept record has already stays with
the merged one), the tags (one the kept record has already stays too) and the card's history.
Each row that moved is named, so an undo moves exactly those back."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.customers import Customer, CustomerMerge, CustomerPhone, CustomerTag
from services.db.deals import Event
from services.db.fields import FieldValue
from services.field_kinds import CUSTOMER


@dataclass(frozen=True)
class CardMoved:
    # customer_phones ids, and the one that was the other's main number.
    phones: list[int]
    main_phone: int | None
    tags: list[int]
    events: list[int]


async def move_card(session: AsyncSession, into: Customer, other_id: int) -> CardMoved:
    """The other's numbers, tags and card history become `into`'s. Not committed."""
    mine = CustomerPhone.customer_id == into.id
    new: list[ColumnElement[bool]] = [
        CustomerPhone.customer_id == other_id,
        CustomerPhone.phone.not_in(select(CustomerPhone.phone).where(mine)),
    ]
    if into.phone is not None:
        new.append(CustomerPhone.phone != into.phone)
    typed = (await session.execute(select(CustomerPhone.id, CustomerPhone.main).where(*new))).all()
    phones = sorted(phone_id for phone_id, _ in typed)
    main = next((phone_id for phone_id, marked in typed if marked), None)
    await _move(session, CustomerPhone, CustomerPhone.id.in_(phones), into.id, main=False)
    held = select(CustomerTag.tag_id).where(CustomerTag.customer_id == into.id)
    tags = list(
        await session.scalars(
            select(CustomerTag.tag_id)
            .where(CustomerTag.customer_id == other_id, CustomerTag.tag_id.not_in(held))
            .order_by(CustomerTag.tag_id)
        )
    )
    theirs = CustomerTag.customer_id == other_id
    await _move(session, CustomerTag, theirs & CustomerTag.tag_id.in_(tags), into.id)
    history = select(Event.id).where(Event.customer_id == other_id).order_by(Event.id)
    events = list(await session.scalars(history))
    await _move(session, Event, Event.id.in_(events), into.id)
    return CardMoved(phones, main, tags, events)


async def give_back(session: AsyncSession, record: CustomerMerge) -> None:
    """The numbers, tags and history the merge moved go back to the restored record, as long
    as the kept record still has them; the number that was its main one is again. Not
    committed."""
    kept = record.into_id
    phones = CustomerPhone.id.in_(record.phones) & (CustomerPhone.customer_id == kept)
    await _move(session, CustomerPhone, phones, record.other_id, main=False)
    if record.main_phone is not None:
        await session.execute(
            update(CustomerPhone)
            .where(
                CustomerPhone.id == record.main_phone,
                CustomerPhone.customer_id == record.other_id,
            )
            .values(main=True)
            .execution_options(synchronize_session=False)
        )
    tags = CustomerTag.tag_id.in_(record.tags) & (CustomerTag.customer_id == kept)
    await _move(session, CustomerTag, tags, record.other_id)
    events = Event.id.in_(record.events) & (Event.customer_id == kept)
    await _move(session, Event, events, record.other_id)


async def _move(
    session: AsyncSession,
    table: type[CustomerPhone] | type[CustomerTag] | type[Event],
    which: ColumnElement[bool],
    customer_id: int,
    **values: bool,
) -> None:
    await session.execute(
        update(table)
        .where(which)
        .values(customer_id=customer_id, **values)
        .execution_options(synchronize_session=False)
    )


async def drop(session: AsyncSession, customer: Customer, into_id: int) -> None:
    """Delete a record a join into `into_id` left behind for good, with the numbers, tags and
    customer field values the kept record had already; a record merged into it earlier is
    merged into `into_id` now, so its card still leads to where its requests are. Not
    committed."""
    await session.execute(
        update(Customer)
        .where(Customer.merged_into_id == customer.id)
        .values(merged_into_id=into_id)
        .execution_options(synchronize_session=False)
    )
    for table, mine in (
        (CustomerPhone, CustomerPhone.customer_id == customer.id),
        (CustomerTag, CustomerTag.customer_id == customer.id),
        (FieldValue, (FieldValue.entity == CUSTOMER) & (FieldValue.object_id == customer.id)),
    ):
        await session.execute(
            delete(table).where(mine).execution_options(synchronize_session=False)
        )
    await session.delete(customer)
