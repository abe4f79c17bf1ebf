"""What of the customer card a merge moves and its undo gives back: the typed phones (a number
the kept record has stays with the merged one; none is main on the kept card), the tags (one
the kept record has stays too) and the card's history, each row exactly; the cards' versions,
and the merged record found, listed and opened no more."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import (
    customer_edits,
    customer_phones,
    customer_search,
    customer_tags,
    customer_views,
    customers,
    merge,
    unmerge,
)
from services.access import Actor, actor_of
from services.clock import ManualClock
from services.customer_edits import StaleCustomer
from services.customer_search import Filters
from services.customer_views import MergedAway
from services.db.customers import Customer, CustomerMerge, CustomerPhone, CustomerTag, TagName
from services.db.deals import Deal, Event
from services.errors import AccessDenied
from tests.services.test_unmerge import a_lead_and_a_telegram_request_with_its_number, rows
from tests.support.seed import add_user, deal_for

A, B, C = "+994551112233", "+994552223344", "+994553334455"
NUMBER = "+994501234567"


async def card_rows(session: AsyncSession) -> dict[str, Any]:
    """Every typed phone, tag and card event, with whose it is."""
    session.expire_all()
    phones = await session.execute(
        select(
            CustomerPhone.id, CustomerPhone.customer_id, CustomerPhone.phone, CustomerPhone.main
        ).order_by(CustomerPhone.id)
    )
    tags = await session.execute(
        select(CustomerTag.customer_id, TagName.name)
        .join(TagName, TagName.id == CustomerTag.tag_id)
        .order_by(CustomerTag.customer_id, TagName.name)
    )
    history = await session.execute(
        select(Event.id, Event.customer_id, Event.kind)
        .where(Event.customer_id.is_not(None))
        .order_by(Event.id)
    )
    return {
        "phones": [tuple(r) for r in phones.all()],
        "tags": [tuple(r) for r in tags.all()],
        "events": [tuple(r) for r in history.all()],
    }


async def both_cards_filled(session: AsyncSession, owner: Actor, clock: ManualClock) -> None:
    """The lead (1): A, its main number, and vip. Leyla (2): A, B (main) and C, vip and
    wholesale."""
    now = clock.now()
    await customer_phones.add_phone(session, owner, 1, 1, A, "AZ", now)
    await customer_phones.make_main(session, owner, 1, 2, 1, now)
    await customer_tags.add_tags(session, owner, 1, 3, "vip", now)
    for version, phone in enumerate((A, B, C), start=1):
        await customer_phones.add_phone(session, owner, 2, version, phone, "AZ", now)
    await customer_phones.make_main(session, owner, 2, 4, 3, now)
    await customer_tags.add_tags(session, owner, 2, 5, "vip wholesale", now)


async def versions(session: AsyncSession) -> list[int]:
    return list(await session.scalars(select(Customer.version).order_by(Customer.id)))


async def test_phones_tags_and_history_move_and_come_back_exactly(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner, _ = await a_lead_and_a_telegram_request_with_its_number(session, clock)
    await both_cards_filled(session, owner, clock)
    before, card_before = await rows(session), await card_rows(session)
    assert await versions(session) == [4, 6]

    merged = await merge.merge(session, owner, 2, 1, 1, clock.now())
    card_joined = await card_rows(session)
    assert card_joined["phones"] == [
        (1, 1, A, True),
        (2, 2, A, False),
        (3, 1, B, False),
        (4, 1, C, False),
    ]
    assert card_joined["tags"] == [(1, "vip"), (1, "wholesale"), (2, "vip")]
    assert {customer_id for _, customer_id, _ in card_joined["events"]} == {1}
    leylas = [event_id for event_id, customer_id, _ in card_before["events"] if customer_id == 2]
    wholesale = await session.scalar(select(TagName.id).where(TagName.name == "wholesale"))
    record = await session.get_one(CustomerMerge, merged.merge_id)
    assert (record.phones, record.main_phone, record.tags, record.events) == (
        [3, 4],
        3,
        [wholesale],
        leylas,
    )
    card = await customer_views.card(session, owner, 1)
    assert [(p.phone, p.main) for p in card.phones] == [
        ("+994501234567", False),
        (A, True),
        (B, False),
        (C, False),
    ]
    assert [t.name for t in card.tags] == ["vip", "wholesale"]
    assert (card.name, card.version) == ("U100", 5)
    assert (await session.get_one(Customer, 1)).name_key == "u100"

    await unmerge.undo(session, owner, merged.merge_id, clock.now())
    card_undone = await card_rows(session)
    kept = len(card_before["events"])
    # Every card event is back with its customer; the merge and its undo are added to both
    # customers' own history.
    assert {**card_undone, "events": card_undone["events"][:kept]} == card_before
    assert [(c, kind) for _, c, kind in card_undone["events"][kept:]] == [
        (1, "merged"),
        (1, "unmerged"),
        (2, "unmerged"),
    ]
    assert await rows(session) == before
    assert await versions(session) == [6, 7]


async def test_a_press_on_a_card_drawn_before_the_merge_changes_nothing(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner, _ = await a_lead_and_a_telegram_request_with_its_number(session, clock)
    await both_cards_filled(session, owner, clock)
    await merge.merge(session, owner, 2, 1, 1, clock.now())
    joined, card_joined = await rows(session), await card_rows(session)
    vip = await session.scalar(select(TagName.id).where(TagName.name == "vip"))
    with pytest.raises(StaleCustomer):
        await customer_tags.remove_tag(session, owner, 1, 4, vip or 0, clock.now())
    await session.rollback()
    with pytest.raises(MergedAway) as merged_away:
        await customer_edits.set_language(session, owner, 2, 6, 1, clock.now())
    assert merged_away.value.into_id == 1
    with pytest.raises(MergedAway):
        await customer_views.card(session, owner, 2)
    assert (await rows(session), await card_rows(session)) == (joined, card_joined)


async def test_a_merged_customer_is_found_listed_and_counted_no_more(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner, anna = await a_lead_and_a_telegram_request_with_its_number(session, clock)
    bako = actor_of(await add_user(session, 11, "manager", clock), "en")
    deal = await session.get_one(Deal, 2)
    deal.manager_id = anna.user_id
    await session.commit()
    await both_cards_filled(session, owner, clock)
    await merge.merge(session, owner, 2, 1, 1, clock.now())

    async def found(who: Actor, text: str) -> list[int]:
        return [row.customer_id for row in (await customer_search.find(session, who, text)).rows]

    # The merged record keeps its name, and A, which the kept one has too.
    assert await found(owner, "u100") == [1]
    assert await found(owner, "1112233") == [1]
    assert await found(anna, "u100") == [1]
    vip = await session.scalar(select(TagName.id).where(TagName.name == "vip")) or 0
    for who, tag_id in ((owner, 0), (owner, vip), (anna, vip)):
        listed = await customer_search.customers(
            session, who, 0, Filters(tag_id=tag_id), clock.now()
        )
        assert (listed.total, [r.customer_id for r in listed.rows]) == (1, [1])
    with pytest.raises(MergedAway):
        await customer_views.card(session, anna, 2)
    with pytest.raises(AccessDenied):
        await customer_views.card(session, bako, 2)


async def test_a_record_a_shared_contact_joins_is_deleted_with_what_stayed_on_it(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner, _ = await a_lead_and_a_telegram_request_with_its_number(session, clock)
    await both_cards_filled(session, owner, clock)
    leyla = await session.scalar(select(Customer.user_id).where(Customer.id == 2))
    # Leyla shares her own contact: the lead's record (1), known by that number, joins hers.
    assert await customers.save_phone(session, leyla or 0, NUMBER, clock.now())
    assert (await card_rows(session))["phones"] == [
        (2, 2, A, False),
        (3, 2, B, True),
        (4, 2, C, False),
    ]
    assert (await card_rows(session))["tags"] == [(2, "vip"), (2, "wholesale")]
    assert await session.scalar(select(Customer.id).where(Customer.id == 1)) is None


async def test_a_merged_records_card_follows_its_kept_record_joined_by_a_shared_contact(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = actor_of(await add_user(session, 1, "owner", clock), "en")
    await deal_for(session, None, clock, name="Caller", phone=NUMBER, email="a@example.com")
    await deal_for(session, None, clock, name="Web", phone=None, email="a@example.com")
    await merge.merge(session, owner, 2, 1, 1, clock.now())
    # Vusal shares the caller's number as his own: the caller's record joins his (3), and is
    # kept hidden, since an owner's merge went into it (what came to it is followed on).
    vusal = await add_user(session, 101, "customer", clock)
    assert await customers.save_phone(session, vusal.id, NUMBER, clock.now())
    assert await session.scalar(select(Customer.merged_into_id).where(Customer.id == 1)) == 3
    with pytest.raises(MergedAway) as merged_away:
        await customer_views.card(session, owner, 2)
    assert merged_away.value.into_id == 3
    assert [r.customer_id for r in (await customer_search.find(session, owner, "web")).rows] == []
