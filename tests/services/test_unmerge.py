"""Undoing an owner's merge of two customers: within 24 hours both records come back exactly
(ids, every column but the cards' versions, which move on, which deals were whose, the deal
phones the merge set); after 24 hours, a
second time, by a manager or once either record changed beyond mending, it is refused and
nothing changes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import merge, unmerge
from services.access import Actor, actor_of
from services.clock import ManualClock
from services.content import Content
from services.db.customers import Customer, CustomerMerge
from services.db.deals import Deal, Event
from services.db.users import User
from services.errors import AccessDenied, NotFound
from services.intake import submit_request
from tests.support.seed import add_user, deal_for

NUMBER = "+994501234567"
OTHER_NUMBER = "+994507654321"


async def rows(session: AsyncSession) -> dict[str, Any]:
    """Every column of every customer but its card's version, and whose each deal is, with its
    phone."""
    session.expire_all()
    customers = await session.scalars(select(Customer).order_by(Customer.id))
    deals = await session.execute(select(Deal.id, Deal.customer_id, Deal.phone).order_by(Deal.id))
    return {
        "customers": [
            {c.key: getattr(row, c.key) for c in Customer.__table__.columns if c.key != "version"}
            for row in customers.all()
        ],
        "deals": [tuple(r) for r in deals.all()],
    }


async def history(session: AsyncSession) -> list[tuple[Any, ...]]:
    found = await session.execute(
        select(
            Event.deal_id,
            Event.customer_id,
            Event.actor_id,
            Event.kind,
            Event.from_value,
            Event.to_value,
        )
        .where(Event.kind.in_(["merged", "unmerged"]))
        .order_by(Event.id)
    )
    return [tuple(r) for r in found.all()]


async def owner_and_manager(session: AsyncSession, clock: ManualClock) -> tuple[Actor, Actor]:
    owner = actor_of(await add_user(session, 1, "owner", clock), "en")
    manager = actor_of(await add_user(session, 10, "manager", clock), "en")
    return owner, manager


async def a_lead_and_a_telegram_request_with_its_number(
    session: AsyncSession, clock: ManualClock
) -> tuple[Actor, Actor]:
    """Deal 1: a web lead known by its number and e-mail, with no name; deal 2: a Telegram
    customer's request typing that number (their card shows the match)."""
    owner, manager = await owner_and_manager(session, clock)
    await deal_for(session, None, clock, name="", phone=NUMBER, email="a@example.com")
    customer = await add_user(session, 100, "customer", clock)
    await submit_request(session, actor_of(customer, "en"), Content("sofa"), NUMBER, clock.now())
    return owner, manager


async def test_undo_within_24_hours_gives_both_records_back_exactly(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner, _ = await a_lead_and_a_telegram_request_with_its_number(session, clock)
    before = await rows(session)
    merged = await merge.merge(session, owner, 2, 1, 1, clock.now())
    joined = await rows(session)
    assert await customer_versions(session) == [2, 1]
    # The lead's record took the account and the name; the card's record let go of them.
    assert [
        (c["id"], c["name"], c["user_id"], c["merged_into_id"]) for c in joined["customers"]
    ] == [
        (1, "U100", before["customers"][1]["user_id"], None),
        (2, "U100", None, 1),
    ]
    assert joined["deals"] == [(1, 1, None), (2, 1, NUMBER)]

    clock.advance(timedelta(hours=23, minutes=59))
    undone = await unmerge.undo(session, owner, merged.merge_id, clock.now())
    assert (undone.customer.name, undone.into.name, undone.deals) == ("U100", "", [2])
    assert await rows(session) == before
    record = await session.get_one(CustomerMerge, merged.merge_id)
    assert (record.undone_by, record.undone_at) == (owner.user_id, clock.now())
    # The request's history and both customers' own say so.
    assert await history(session) == [
        (2, None, owner.user_id, "merged", "U100", NUMBER),
        (None, 1, owner.user_id, "merged", "U100", NUMBER),
        (2, None, owner.user_id, "unmerged", NUMBER, "U100"),
        (None, 1, owner.user_id, "unmerged", NUMBER, "U100"),
        (None, 2, owner.user_id, "unmerged", NUMBER, "U100"),
    ]
    versions = await session.scalars(select(Deal.version).order_by(Deal.id))
    # The card's press, the merge and the undo each moved the request's version on.
    assert versions.all() == [1, 4]
    # The merge moved the kept customer's card on, the undo both cards.
    assert await customer_versions(session) == [3, 2]


async def customer_versions(session: AsyncSession) -> list[int]:
    return list(await session.scalars(select(Customer.version).order_by(Customer.id)))


async def test_the_deal_phones_a_merge_set_go_back_to_none(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner, _ = await owner_and_manager(session, clock)
    await deal_for(session, None, clock, name="Lead", phone=NUMBER)
    # Rauf has an own number and two deals: one giving the lead's number, one none.
    first = await deal_for(session, None, clock, name="Rauf", phone=OTHER_NUMBER)
    first.phone = NUMBER
    await deal_for(session, None, clock, customer_id=first.customer_id)
    before = await rows(session)
    merged = await merge.merge(session, owner, 2, 1, 1, clock.now())
    assert (await rows(session))["deals"] == [(1, 1, None), (2, 1, NUMBER), (3, 1, OTHER_NUMBER)]
    await unmerge.undo(session, owner, merged.merge_id, clock.now())
    assert await rows(session) == before


async def test_after_24_hours_the_undo_is_refused(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner, _ = await a_lead_and_a_telegram_request_with_its_number(session, clock)
    merged = await merge.merge(session, owner, 2, 1, 1, clock.now())
    joined = await rows(session)
    clock.advance(timedelta(hours=24, seconds=1))
    with pytest.raises(unmerge.UndoExpired):
        await unmerge.undo(session, owner, merged.merge_id, clock.now())
    assert await rows(session) == joined
    assert (await session.get_one(CustomerMerge, merged.merge_id)).undone_at is None


async def test_a_manager_a_second_undo_and_an_unknown_merge_change_nothing(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner, manager = await a_lead_and_a_telegram_request_with_its_number(session, clock)
    merged = await merge.merge(session, owner, 2, 1, 1, clock.now())
    joined = await rows(session)
    with pytest.raises(AccessDenied):
        await unmerge.undo(session, manager, merged.merge_id, clock.now())
    with pytest.raises(NotFound):
        await unmerge.undo(session, owner, merged.merge_id + 1, clock.now())
    assert await rows(session) == joined
    await unmerge.undo(session, owner, merged.merge_id, clock.now())
    undone = await rows(session)
    with pytest.raises(unmerge.AlreadyUndone):
        await unmerge.undo(session, owner, merged.merge_id, clock.now())
    assert await rows(session) == undone
    # Once on the request, once on each customer.
    assert len([e for e in await history(session) if e[3] == "unmerged"]) == 3


async def test_a_request_made_since_goes_back_with_the_telegram_account(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner, _ = await a_lead_and_a_telegram_request_with_its_number(session, clock)
    merged = await merge.merge(session, owner, 2, 1, 1, clock.now())
    clock.advance(timedelta(hours=1))
    account = await session.scalar(select(Customer.user_id).where(Customer.id == 1))
    user = actor_of(await session.get_one(User, account), "en")
    # The first request is closed meanwhile, so the customer's next message opens another.
    deal = await session.get_one(Deal, 2)
    deal.closed_at = clock.now()
    await session.commit()
    await submit_request(session, user, Content("a table"), None, clock.now())
    undone = await unmerge.undo(session, owner, merged.merge_id, clock.now())
    assert undone.deals == [2, 3]
    assert (await rows(session))["deals"] == [(1, 1, None), (2, 2, NUMBER), (3, 2, None)]


async def test_once_the_kept_record_is_merged_again_the_first_undo_is_refused(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner, _ = await a_lead_and_a_telegram_request_with_its_number(session, clock)
    first = await merge.merge(session, owner, 2, 1, 1, clock.now())
    # The kept record then joins a web lead giving its e-mail.
    await deal_for(session, None, clock, name="Later", phone=None, email="a@example.com")
    again = await merge.merge(session, owner, 2, 3, 3, clock.now())
    assert again.card.customer_id == 3
    before = await rows(session)
    with pytest.raises(unmerge.UndoBlocked):
        await unmerge.undo(session, owner, first.merge_id, clock.now())
    assert await rows(session) == before


async def test_a_call_made_since_from_the_number_the_kept_record_took_goes_back(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner, _ = await owner_and_manager(session, clock)
    # Leyla, in Telegram, typed the number a caller (deal 2) calls from; the caller's record
    # joins hers, which takes the number as its own.
    leyla = await add_user(session, 100, "customer", clock)
    await submit_request(session, actor_of(leyla, "en"), Content("sofa"), NUMBER, clock.now())
    await deal_for(session, None, clock, name="", phone=NUMBER)
    before = await rows(session)
    merged = await merge.merge(session, owner, 2, 1, 1, clock.now())
    assert (await session.get_one(Customer, 1)).phone == NUMBER
    clock.advance(timedelta(hours=2))
    later = (await deal_for(session, None, clock, customer_id=1, source="phone")).id
    undone = await unmerge.undo(session, owner, merged.merge_id, clock.now())
    assert undone.deals == [2, later]
    after = await rows(session)
    assert after["customers"] == before["customers"]
    assert after["deals"] == [*before["deals"], (later, 2, None)]


async def test_once_another_record_has_the_merged_record_s_number_the_undo_is_refused(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner, _ = await owner_and_manager(session, clock)
    await deal_for(session, None, clock, name="Lead", phone=NUMBER)
    rauf = await deal_for(session, None, clock, name="Rauf", phone=OTHER_NUMBER)
    rauf.phone = NUMBER
    await session.commit()
    merged = await merge.merge(session, owner, 2, 1, 1, clock.now())
    # The kept record kept its own number; another record has taken Rauf's since.
    await deal_for(session, None, clock, name="", phone=OTHER_NUMBER)
    before = await rows(session)
    with pytest.raises(unmerge.UndoBlocked):
        await unmerge.undo(session, owner, merged.merge_id, clock.now())
    assert await rows(session) == before
