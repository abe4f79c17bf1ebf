"""Discounts on an item or on the whole deal: read per language, a manager's up to the owner's
limit and above it waiting for an owner, an owner's without one, decided by an owner only and
told to the manager who asked, taken back, replaced, and a rule's beside the people's."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services import discounts, events, items, sales
from services.access import OWNER
from services.clock import ManualClock
from services.company import configured_hours
from services.db.catalog import DealItem, Discount
from services.db.deals import Deal
from services.db.outbox import Outbox
from services.db.rules import Rule
from services.db.users import User
from services.errors import AccessDenied, ErrorCode, InvalidInput, NotFound
from services.item_views import deal_items
from services.pipeline import StaleCard
from services.rules import discounting
from services.rules.work import Work
from services.totals import AMOUNT, PERCENT, Off
from tests.support.catalog import Shop, close, deal_state, discounts_of, history, product, shop
from tests.support.seed import add_user, deal_for, queued

D = Decimal
# Door 2 × 200 = 400 (VAT 18% within) and handle 2 × 50 = 100: 500.00 at version 3.
SUBTOTAL = D("500.00")


@dataclasses.dataclass(frozen=True)
class Cart:
    door: int
    handle: int


@pytest.fixture
async def s(session: AsyncSession, clock: ManualClock) -> Shop:
    return await shop(session, clock)


@pytest.fixture
async def cart(session: AsyncSession, clock: ManualClock, s: Shop) -> Cart:
    door = (await product(session, clock.now(), "Door", "200", vat="18")).id
    handle = (await product(session, clock.now(), "Handle", "50")).id
    await items.add(session, s.manager, s.deal_id, 1, door, "2", clock.now())
    await items.add(session, s.manager, s.deal_id, 2, handle, "2", clock.now())
    ids = list(await session.scalars(select(DealItem.id).order_by(DealItem.id)))
    assert await deal_state(session, s.deal_id) == (SUBTOTAL, 3)
    return Cart(*ids)


async def outbox_rows(session: AsyncSession) -> list[tuple[int, str, dict[str, object], str]]:
    rows = await session.scalars(select(Outbox).order_by(Outbox.id))
    return [(r.chat_id, r.kind, r.payload, r.dedupe_key) for r in rows.all()]


async def discount_id(session: AsyncSession, deal_id: int) -> int:
    """The deal's latest discount."""
    latest = await session.scalar(
        select(Discount.id).where(Discount.deal_id == deal_id).order_by(Discount.id.desc())
    )
    assert latest is not None
    return latest


# Reading what was typed.


@pytest.mark.parametrize(
    ("text", "locale", "off"),
    [
        ("5%", "en", Off(PERCENT, D(5))),
        (" 5 % ", "en", Off(PERCENT, D(5))),
        ("7.5%", "en", Off(PERCENT, D("7.5"))),
        ("7,5%", "az", Off(PERCENT, D("7.5"))),
        ("7,5 %", "ru", Off(PERCENT, D("7.5"))),
        ("12.25%", "en", Off(PERCENT, D("12.25"))),
        ("100%", "az", Off(PERCENT, D(100))),
        ("50", "en", Off(AMOUNT, D("50.00"))),
        ("49,90", "az", Off(AMOUNT, D("49.90"))),
        ("1 500,50", "ru", Off(AMOUNT, D("1500.50"))),
        ("1,500.50", "en", Off(AMOUNT, D("1500.50"))),
    ],
)
def test_a_percent_or_an_amount_read_in_the_readers_language(
    text: str, locale: str, off: Off
) -> None:
    assert discounts.parse_off(text, locale) == off


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("0%", "en"),
        ("101%", "en"),
        ("-5%", "en"),
        ("5.555%", "en"),
        ("7,5%", "en"),
        ("%", "en"),
        ("0", "en"),
        ("-50", "en"),
        ("50.555", "en"),
        ("1,500.50", "az"),
        ("fifty", "en"),
        ("", "en"),
    ],
)
def test_other_discounts_refused(text: str, locale: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        discounts.parse_off(text, locale)
    assert refused.value.code == ErrorCode.DISCOUNT


# Within and above the manager's limit.


async def test_a_managers_discount_within_the_limit_is_applied(
    session: AsyncSession, clock: ManualClock, s: Shop, cart: Cart
) -> None:
    clock.advance(timedelta(minutes=5))
    given = await discounts.give(session, s.manager, s.deal_id, 3, None, "10%", clock.now())
    assert given.pending is False
    assert await discounts_of(session, s.deal_id) == [
        (None, PERCENT, D("10.00"), s.manager.user_id, None, "applied")
    ]
    assert await deal_state(session, s.deal_id) == (D("450.00"), 4)
    assert given.screen.version == 4
    totals = given.screen.items.totals
    assert (totals.deal_discounts, totals.total) == ((D("50.00"),), D("450.00"))
    (shown,) = given.screen.items.discounts
    assert (shown.kind, shown.value, shown.by, shown.rule, shown.state) == (
        PERCENT,
        D("10.00"),
        "U10",
        None,
        "applied",
    )
    assert given.screen.items.pending == ()
    assert await history(session, s.deal_id, "discount", "discount_asked", "amount") == [
        ("amount", None, None, "400.00"),
        ("amount", None, "400.00", "500.00"),
        ("discount", s.manager.user_id, "deal", "percent:10"),
        ("amount", None, "500.00", "450.00"),
    ]
    assert await queued(session) == []


async def test_the_limit_is_inclusive_and_measured_against_what_is_discounted(
    session: AsyncSession, clock: ManualClock, s: Shop, cart: Cart
) -> None:
    now = clock.now()
    # 50 of the deal's 500 is 10%: within.
    given = await discounts.give(session, s.manager, s.deal_id, 3, None, "50", now)
    assert (given.pending, await deal_state(session, s.deal_id)) == (False, (D("450.00"), 4))
    # 10.01 of the handle's 100 is above 10%.
    given = await discounts.give(session, s.manager, s.deal_id, 4, cart.handle, "10.01", now)
    assert (given.pending, given.together) == (True, False)
    assert await deal_state(session, s.deal_id) == (D("450.00"), 5)
    assert [d.state for d in given.screen.items.pending] == ["pending"]
    assert await discounts_of(session, s.deal_id) == [
        (None, AMOUNT, D("50.00"), s.manager.user_id, None, "applied"),
        (cart.handle, AMOUNT, D("10.01"), s.manager.user_id, None, "pending"),
    ]


async def test_the_managers_discounts_together_stay_within_the_limit_of_the_subtotal(
    session: AsyncSession, clock: ManualClock, s: Shop, cart: Cart
) -> None:
    """Each within the limit of what it discounts, but an item's and the request's add up."""
    now = clock.now()
    # 20 of the door's 400 (5%), then 25 of the 480 left (5.2%): 45 of 500, 9%.
    await discounts.give(session, s.manager, s.deal_id, 3, cart.door, "20", now)
    given = await discounts.give(session, s.manager, s.deal_id, 4, None, "25", now)
    assert (given.pending, await deal_state(session, s.deal_id)) == (False, (D("455.00"), 5))
    # 35 instead of 25 (7.3% of 480) would make 55 of 500, 11%: asked of the owners, and
    # the 25 stays meanwhile.
    given = await discounts.give(session, s.manager, s.deal_id, 5, None, "35", now)
    assert (given.pending, given.together) == (True, True)
    assert await deal_state(session, s.deal_id) == (D("455.00"), 6)
    # 10 of the handle's 100 is 10%, but makes 55 of 500 as well.
    given = await discounts.give(session, s.manager, s.deal_id, 6, cart.handle, "10", now)
    assert given.pending is True
    # An owner's is not counted (and takes the place of the manager's on the handle).
    given = await discounts.give(session, s.owner, s.deal_id, 7, cart.handle, "10", now)
    assert (given.pending, await deal_state(session, s.deal_id)) == (False, (D("445.00"), 8))
    assert await discounts_of(session, s.deal_id) == [
        (cart.door, AMOUNT, D("20.00"), s.manager.user_id, None, "applied"),
        (None, AMOUNT, D("25.00"), s.manager.user_id, None, "applied"),
        (None, AMOUNT, D("35.00"), s.manager.user_id, None, "pending"),
        (cart.handle, AMOUNT, D("10.00"), s.owner.user_id, None, "applied"),
    ]


async def test_percents_rounded_to_the_cent_stay_within_the_limit(
    session: AsyncSession, clock: ManualClock, s: Shop
) -> None:
    """10% of 33.35 rounds up to 3.34, and 10% of two such lines to 6.68 of 66.70: within."""
    for name in ("Hinge", "Latch"):
        made = await product(session, clock.now(), name, "33.35")
        seen = (await deal_state(session, s.deal_id))[1]
        await items.add(session, s.manager, s.deal_id, seen, made.id, "1", clock.now())
    ids = list(await session.scalars(select(DealItem.id).order_by(DealItem.id)))
    version = (await deal_state(session, s.deal_id))[1]
    for n, item_id in enumerate(ids):
        given = await discounts.give(
            session, s.manager, s.deal_id, version + n, item_id, "10%", clock.now()
        )
        assert given.pending is False
    assert given.screen.items.totals.total == D("60.02")


async def test_above_the_limit_it_waits_and_every_owner_is_asked_once(
    session: AsyncSession, clock: ManualClock, s: Shop, cart: Cart
) -> None:
    blocked = await add_user(session, 3, OWNER, clock)
    blocked.blocked = True
    await session.commit()
    given = await discounts.give(session, s.manager, s.deal_id, 3, None, "15%", clock.now())
    assert given.pending is True
    (asked,) = await discounts_of(session, s.deal_id)
    assert asked == (None, PERCENT, D("15.00"), s.manager.user_id, None, "pending")
    row = await discount_id(session, s.deal_id)
    # Nothing taken off while it waits; the deal has a new version all the same.
    assert await deal_state(session, s.deal_id) == (SUBTOTAL, 4)
    assert given.screen.items.totals.total == SUBTOTAL
    assert [(d.discount_id, d.state) for d in given.screen.items.pending] == [(row, "pending")]
    payload = {"deal_id": s.deal_id, "discount_id": row}
    assert await outbox_rows(session) == [
        (1, "discount_asked", payload, f"discount_asked:{row}:{s.owner.user_id}"),
        (2, "discount_asked", payload, f"discount_asked:{row}:{s.second_owner.user_id}"),
    ]
    assert (await history(session, s.deal_id, "discount", "discount_asked"))[-1] == (
        "discount_asked",
        s.manager.user_id,
        "deal",
        "percent:15",
    )


async def test_an_owner_has_no_limit(
    session: AsyncSession, clock: ManualClock, s: Shop, cart: Cart
) -> None:
    given = await discounts.give(session, s.owner, s.deal_id, 3, cart.door, "100%", clock.now())
    assert given.pending is False
    assert await discounts_of(session, s.deal_id) == [
        (cart.door, PERCENT, D("100.00"), s.owner.user_id, None, "applied")
    ]
    assert await deal_state(session, s.deal_id) == (D("100.00"), 4)
    # Nobody is asked to approve it; the deal's manager sees the new amount and who made it.
    changed = {"change": "amount", "from": "500.00", "to": "100.00", "by": s.owner.user_id}
    assert await queued(session) == [
        (10, "card_redraw", {"deal_id": s.deal_id}),
        (10, "deal_changed", {"deal_id": s.deal_id, **changed}),
    ]


async def test_the_owner_sets_the_limit(
    session: AsyncSession, clock: ManualClock, s: Shop, cart: Cart
) -> None:
    assert await sales.current(session) == sales.Sales(True, D(10))
    az_owner = dataclasses.replace(s.owner, locale="az")
    assert await sales.set_limit(session, az_owner, "7,5%", clock.now()) == sales.Sales(
        True, D("7.5")
    )
    given = await discounts.give(session, s.manager, s.deal_id, 3, None, "8%", clock.now())
    assert given.pending is True
    await sales.set_limit(session, s.owner, "20", clock.now())
    given = await discounts.give(session, s.manager, s.deal_id, 4, None, "20%", clock.now())
    assert given.pending is False
    assert await deal_state(session, s.deal_id) == (D("400.00"), 5)
    for text in ("101", "-1", "7.555", "lots"):
        with pytest.raises(InvalidInput) as refused:
            await sales.set_limit(session, s.owner, text, clock.now())
        assert refused.value.code == ErrorCode.DISCOUNT_LIMIT
    with pytest.raises(AccessDenied):
        await sales.set_limit(session, s.manager, "50", clock.now())
    assert (await sales.current(session)).manager_limit == D(20)


async def test_discounts_that_cannot_be_given(
    session: AsyncSession, clock: ManualClock, s: Shop, cart: Cart
) -> None:
    now = clock.now()
    # More money than the item or the deal.
    with pytest.raises(InvalidInput) as item_amount:
        await discounts.give(session, s.owner, s.deal_id, 3, cart.handle, "100.01", now)
    assert item_amount.value.code == ErrorCode.DISCOUNT
    with pytest.raises(InvalidInput) as deal_amount:
        await discounts.give(session, s.owner, s.deal_id, 3, None, "500.01", now)
    assert deal_amount.value.code == ErrorCode.DISCOUNT
    with pytest.raises(InvalidInput) as typed:
        await discounts.give(session, s.owner, s.deal_id, 3, None, "10 %%", now)
    assert typed.value.code == ErrorCode.DISCOUNT
    with pytest.raises(NotFound):
        await discounts.give(session, s.owner, s.deal_id, 3, 999, "5%", now)
    with pytest.raises(AccessDenied):
        await discounts.give(session, s.other, s.deal_id, 3, None, "5%", now)
    with pytest.raises(StaleCard) as stale:
        await discounts.give(session, s.manager, s.deal_id, 2, None, "5%", now)
    assert stale.value.card.version == 3
    # A deal with nothing on it has nothing to discount.
    manager = await session.get_one(User, s.manager.user_id)
    empty = (await deal_for(session, manager, clock, name="Bako", phone="+994551112233")).id
    with pytest.raises(InvalidInput) as nothing:
        await discounts.give(session, s.manager, empty, 1, None, "5%", now)
    assert nothing.value.code == ErrorCode.DISCOUNT
    await close(session, s.deal_id, now)
    with pytest.raises(InvalidInput) as closed:
        await discounts.give(session, s.owner, s.deal_id, 3, None, "5%", now)
    assert closed.value.code == ErrorCode.DEAL_CLOSED
    assert await discounts_of(session, s.deal_id) == []
    assert await deal_state(session, s.deal_id) == (SUBTOTAL, 3)
    assert await queued(session) == []


# The owner decides.


async def test_approved_it_counts_and_the_manager_is_told(
    session: AsyncSession, clock: ManualClock, s: Shop, cart: Cart
) -> None:
    await discounts.give(session, s.manager, s.deal_id, 3, None, "15%", clock.now())
    row = await discount_id(session, s.deal_id)
    with pytest.raises(AccessDenied):
        await discounts.decide(session, s.manager, row, True, clock.now())
    with pytest.raises(AccessDenied):
        await discounts.decide(session, s.other, row, True, clock.now())
    assert await deal_state(session, s.deal_id) == (SUBTOTAL, 4)
    clock.advance(timedelta(minutes=3))
    assert await discounts.decide(session, s.second_owner, row, True, clock.now()) == (
        s.deal_id,
        True,
    )
    assert [d[-1] for d in await discounts_of(session, s.deal_id)] == ["applied"]
    # 15% of 500 = 75.
    assert await deal_state(session, s.deal_id) == (D("425.00"), 5)
    told, redrawn = (await outbox_rows(session))[-2:]
    assert told == (
        10,
        "discount_decided",
        {"deal_id": s.deal_id, "discount_id": row, "approved": True},
        f"discount_decided:{row}",
    )
    # The manager's card shows the new total.
    assert redrawn == (10, "card_redraw", {"deal_id": s.deal_id}, f"card_redraw:{s.deal_id}:v5:10")
    assert len(await outbox_rows(session)) == 4
    assert (await history(session, s.deal_id, "discount", "amount"))[-2:] == [
        ("discount", s.second_owner.user_id, "deal", "percent:15.00"),
        ("amount", None, "500.00", "425.00"),
    ]
    shown = await deal_items(session, s.deal_id)
    assert (shown.totals.total, shown.pending) == (D("425.00"), ())
    # Decided once.
    with pytest.raises(NotFound):
        await discounts.decide(session, s.owner, row, False, clock.now())
    assert await deal_state(session, s.deal_id) == (D("425.00"), 5)


async def test_refused_it_leaves_the_amount(
    session: AsyncSession, clock: ManualClock, s: Shop, cart: Cart
) -> None:
    await discounts.give(session, s.manager, s.deal_id, 3, cart.handle, "20%", clock.now())
    row = await discount_id(session, s.deal_id)
    assert await discounts.decide(session, s.owner, row, False, clock.now()) == (
        s.deal_id,
        False,
    )
    assert await discounts_of(session, s.deal_id) == [
        (cart.handle, PERCENT, D("20.00"), s.manager.user_id, None, "refused")
    ]
    assert await deal_state(session, s.deal_id) == (SUBTOTAL, 5)
    assert (await outbox_rows(session))[-1] == (
        10,
        "discount_decided",
        {"deal_id": s.deal_id, "discount_id": row, "approved": False},
        f"discount_decided:{row}",
    )
    assert (await history(session, s.deal_id, "discount_refused")) == [
        ("discount_refused", s.owner.user_id, str(cart.handle), "percent:20.00")
    ]
    shown = await deal_items(session, s.deal_id)
    handle = shown.item(cart.handle)
    assert handle is not None and handle.discounts == ()
    assert shown.pending == ()
    # Neither decided again nor taken back.
    with pytest.raises(NotFound):
        await discounts.decide(session, s.owner, row, True, clock.now())
    with pytest.raises(NotFound):
        await discounts.take_back(session, s.manager, s.deal_id, 5, row, clock.now())


async def test_a_decision_on_a_closed_deal_is_refused(
    session: AsyncSession, clock: ManualClock, s: Shop, cart: Cart
) -> None:
    await discounts.give(session, s.manager, s.deal_id, 3, None, "15%", clock.now())
    row = await discount_id(session, s.deal_id)
    await close(session, s.deal_id, clock.now())
    with pytest.raises(InvalidInput) as refused:
        await discounts.decide(session, s.owner, row, True, clock.now())
    assert refused.value.code == ErrorCode.DEAL_CLOSED
    await session.rollback()
    assert [d[-1] for d in await discounts_of(session, s.deal_id)] == ["pending"]
    with pytest.raises(NotFound):
        await discounts.decide(session, s.owner, 999, True, clock.now())


# Replaced and taken back.


async def test_a_new_discount_on_the_same_target_replaces_the_old(
    session: AsyncSession, clock: ManualClock, s: Shop, cart: Cart
) -> None:
    now = clock.now()
    await discounts.give(session, s.manager, s.deal_id, 3, cart.door, "5%", now)
    await discounts.give(session, s.manager, s.deal_id, 4, None, "10", now)
    await discounts.give(session, s.owner, s.deal_id, 5, cart.door, "40", now)
    assert await discounts_of(session, s.deal_id) == [
        (None, AMOUNT, D("10.00"), s.manager.user_id, None, "applied"),
        (cart.door, AMOUNT, D("40.00"), s.owner.user_id, None, "applied"),
    ]
    # 500 − 40 − 10.
    assert await deal_state(session, s.deal_id) == (D("450.00"), 6)
    # A question above the limit, replaced by a discount within it before anyone answered.
    await discounts.give(session, s.manager, s.deal_id, 6, cart.handle, "30%", now)
    asked = await discount_id(session, s.deal_id)
    assert await deal_state(session, s.deal_id) == (D("450.00"), 7)
    given = await discounts.give(session, s.manager, s.deal_id, 7, cart.handle, "5%", now)
    assert (given.pending, given.screen.items.pending) == (False, ())
    assert await discounts_of(session, s.deal_id) == [
        (None, AMOUNT, D("10.00"), s.manager.user_id, None, "applied"),
        (cart.door, AMOUNT, D("40.00"), s.owner.user_id, None, "applied"),
        (cart.handle, PERCENT, D("5.00"), s.manager.user_id, None, "applied"),
    ]
    with pytest.raises(NotFound):
        await discounts.decide(session, s.owner, asked, True, clock.now())
    # 360 + 95 = 455, then the deal's 10.
    assert await deal_state(session, s.deal_id) == (D("445.00"), 8)
    # A refused discount is not replaced: it stays on record.
    await discounts.give(session, s.manager, s.deal_id, 8, None, "50%", now)
    refused = await discount_id(session, s.deal_id)
    await discounts.decide(session, s.owner, refused, False, clock.now())
    await discounts.give(session, s.manager, s.deal_id, 10, None, "5%", now)
    states = [(d[0], d[2], d[-1]) for d in await discounts_of(session, s.deal_id)]
    assert states == [
        (cart.door, D("40.00"), "applied"),
        (cart.handle, D("5.00"), "applied"),
        (None, D("50.00"), "refused"),
        (None, D("5.00"), "applied"),
    ]
    # 455 − 5% (22.75) = 432.25.
    assert await deal_state(session, s.deal_id) == (D("432.25"), 11)


async def test_asked_again_the_given_discount_stays_until_the_owner_approves(
    session: AsyncSession, clock: ManualClock, s: Shop, cart: Cart
) -> None:
    now = clock.now()
    await discounts.give(session, s.manager, s.deal_id, 3, cart.door, "5%", now)
    # 400 − 5% = 380, and the handles' 100.
    assert await deal_state(session, s.deal_id) == (D("480.00"), 4)
    first = await discounts.give(session, s.manager, s.deal_id, 4, cart.door, "30%", now)
    asked = await discount_id(session, s.deal_id)
    second = await discounts.give(session, s.manager, s.deal_id, 5, cart.door, "25%", now)
    again = await discount_id(session, s.deal_id)
    assert (first.pending, second.pending, again > asked) == (True, True, True)
    manager = s.manager.user_id
    assert await discounts_of(session, s.deal_id) == [
        (cart.door, PERCENT, D("5.00"), manager, None, "applied"),
        (cart.door, PERCENT, D("25.00"), manager, None, "pending"),
    ]
    assert await deal_state(session, s.deal_id) == (D("480.00"), 6)
    questions = [row for row in await outbox_rows(session) if row[1] == discounts.ASKED]
    # Each of the two owners is asked each time.
    assert [row[2]["discount_id"] for row in questions] == [asked, asked, again, again]
    await discounts.decide(session, s.owner, again, True, clock.now())
    assert await discounts_of(session, s.deal_id) == [
        (cart.door, PERCENT, D("25.00"), manager, None, "applied"),
    ]
    # 400 − 25% = 300, and 100.
    assert await deal_state(session, s.deal_id) == (D("400.00"), 7)


async def test_a_managers_discount_never_takes_the_place_of_an_owners(
    session: AsyncSession, clock: ManualClock, s: Shop, cart: Cart
) -> None:
    now = clock.now()
    await discounts.give(session, s.owner, s.deal_id, 3, cart.door, "30%", now)
    await discounts.give(session, s.manager, s.deal_id, 4, cart.door, "5%", now)
    assert await discounts_of(session, s.deal_id) == [
        (cart.door, PERCENT, D("30.00"), s.owner.user_id, None, "applied"),
        (cart.door, PERCENT, D("5.00"), s.manager.user_id, None, "applied"),
    ]
    # 400 − 30% = 280, − 5% of 280 = 266; and 100.
    assert await deal_state(session, s.deal_id) == (D("366.00"), 5)


async def test_taken_back_by_who_gave_it_or_an_owner(
    session: AsyncSession, clock: ManualClock, s: Shop, cart: Cart
) -> None:
    now = clock.now()
    await discounts.give(session, s.manager, s.deal_id, 3, None, "10%", now)
    mine = await discount_id(session, s.deal_id)
    await discounts.give(session, s.owner, s.deal_id, 4, cart.door, "25%", now)
    owners = await discount_id(session, s.deal_id)
    # 400 − 100 = 300 and 100: 10% of 400 = 40 off: 360.
    assert await deal_state(session, s.deal_id) == (D("360.00"), 5)
    with pytest.raises(AccessDenied):
        await discounts.take_back(session, s.other, s.deal_id, 5, mine, now)
    with pytest.raises(NotFound):
        await discounts.take_back(session, s.manager, s.deal_id, 5, owners, now)
    with pytest.raises(StaleCard):
        await discounts.take_back(session, s.manager, s.deal_id, 4, mine, now)
    manager = await session.get_one(User, s.manager.user_id)
    other_deal = (await deal_for(session, manager, clock, name="Bako", phone="+994551112233")).id
    with pytest.raises(NotFound):
        await discounts.take_back(session, s.manager, other_deal, 1, mine, now)
    assert await deal_state(session, s.deal_id) == (D("360.00"), 5)
    shown = await discounts.take_back(session, s.manager, s.deal_id, 5, mine, now)
    assert (shown.version, shown.items.totals.total) == (6, D("400.00"))
    assert await deal_state(session, s.deal_id) == (D("400.00"), 6)
    assert (await history(session, s.deal_id, "discount"))[-1] == (
        "discount",
        s.manager.user_id,
        "deal",
        None,
    )
    await discounts.take_back(session, s.owner, s.deal_id, 6, owners, now)
    assert await discounts_of(session, s.deal_id) == []
    assert await deal_state(session, s.deal_id) == (SUBTOTAL, 7)
    with pytest.raises(NotFound):
        await discounts.take_back(session, s.owner, s.deal_id, 7, owners, now)


async def test_a_manager_takes_back_a_discount_still_waiting(
    session: AsyncSession, clock: ManualClock, s: Shop, cart: Cart
) -> None:
    await discounts.give(session, s.manager, s.deal_id, 3, None, "30%", clock.now())
    row = await discount_id(session, s.deal_id)
    await discounts.take_back(session, s.manager, s.deal_id, 4, row, clock.now())
    assert await discounts_of(session, s.deal_id) == []
    with pytest.raises(NotFound):
        await discounts.decide(session, s.owner, row, True, clock.now())
    assert await deal_state(session, s.deal_id) == (SUBTOTAL, 5)


async def test_removing_an_item_removes_its_discounts(
    session: AsyncSession, clock: ManualClock, s: Shop, cart: Cart
) -> None:
    await discounts.give(session, s.manager, s.deal_id, 3, cart.handle, "10%", clock.now())
    await discounts.give(session, s.manager, s.deal_id, 4, None, "5%", clock.now())
    # Handle 100 − 10 = 90; 5% of 490 = 24.50: 465.50.
    assert await deal_state(session, s.deal_id) == (D("465.50"), 5)
    await items.remove(session, s.manager, s.deal_id, 5, cart.handle, clock.now())
    assert await discounts_of(session, s.deal_id) == [
        (None, PERCENT, D("5.00"), s.manager.user_id, None, "applied")
    ]
    assert await deal_state(session, s.deal_id) == (D("380.00"), 6)


# The items change after the discount was given.


async def test_fewer_items_take_a_discount_past_the_limit_back_to_the_owners(
    session: AsyncSession, clock: ManualClock, s: Shop, cart: Cart
) -> None:
    # 50 of 500 is 10%; without the handle, 50 of 400 would be 12.5%.
    await discounts.give(session, s.manager, s.deal_id, 3, None, "50", clock.now())
    row = await discount_id(session, s.deal_id)
    clock.advance(timedelta(minutes=1))
    screen = await items.remove(session, s.manager, s.deal_id, 4, cart.handle, clock.now())
    assert await discounts_of(session, s.deal_id) == [
        (None, AMOUNT, D("50.00"), s.manager.user_id, None, "pending")
    ]
    assert [d.discount_id for d in screen.items.pending] == [row]
    assert await deal_state(session, s.deal_id) == (D("400.00"), 5)
    payload = {"deal_id": s.deal_id, "discount_id": row, "again": True}
    assert await outbox_rows(session) == [
        (1, "discount_asked", payload, f"discount_asked:{row}:{s.owner.user_id}"),
        (2, "discount_asked", payload, f"discount_asked:{row}:{s.second_owner.user_id}"),
    ]
    assert (await history(session, s.deal_id, "discount_held", "amount"))[-2:] == [
        ("discount_held", s.manager.user_id, "deal", "amount:50.00"),
        ("amount", None, "450.00", "400.00"),
    ]
    # Approved, it counts and stays, whatever the items do next.
    await discounts.decide(session, s.owner, row, True, clock.now())
    assert await deal_state(session, s.deal_id) == (D("350.00"), 6)
    door = cart.door
    await items.set_quantity(session, s.manager, s.deal_id, 6, door, "1", clock.now())
    assert [d[-1] for d in await discounts_of(session, s.deal_id)] == ["applied"]
    assert await deal_state(session, s.deal_id) == (D("150.00"), 7)


async def test_a_lower_quantity_takes_an_items_discount_past_the_limit(
    session: AsyncSession, clock: ManualClock, s: Shop, cart: Cart
) -> None:
    """An amount off one door of two is 10%; with one door it would be 20%. The owner's
    discount on the request is not asked about."""
    await discounts.give(session, s.manager, s.deal_id, 3, cart.door, "40", clock.now())
    await discounts.give(session, s.owner, s.deal_id, 4, None, "30%", clock.now())
    await items.set_quantity(session, s.manager, s.deal_id, 5, cart.door, "1", clock.now())
    assert await discounts_of(session, s.deal_id) == [
        (cart.door, AMOUNT, D("40.00"), s.manager.user_id, None, "pending"),
        (None, PERCENT, D("30.00"), s.owner.user_id, None, "applied"),
    ]
    # 200 + 100, less 30%.
    assert await deal_state(session, s.deal_id) == (D("210.00"), 6)
    assert [r[1] for r in await outbox_rows(session)] == [
        "card_redraw",  # the owner's discount, shown to the manager
        "deal_changed",
        "discount_asked",
        "discount_asked",
    ]


async def test_more_items_leave_the_discounts_as_they_are(
    session: AsyncSession, clock: ManualClock, s: Shop, cart: Cart
) -> None:
    await discounts.give(session, s.manager, s.deal_id, 3, None, "50", clock.now())
    await items.set_quantity(session, s.manager, s.deal_id, 4, cart.door, "3", clock.now())
    assert [d[-1] for d in await discounts_of(session, s.deal_id)] == ["applied"]
    assert await deal_state(session, s.deal_id) == (D("650.00"), 5)
    assert await outbox_rows(session) == []


async def test_approved_it_takes_the_place_of_the_askers_own_only(
    session: AsyncSession, clock: ManualClock, s: Shop, cart: Cart
) -> None:
    """The owner's 5% on the request stays beside the manager's 40 once approved, and the
    approval sends nothing else back to the owners, though no item changed."""
    await discounts.give(session, s.owner, s.deal_id, 3, None, "5%", clock.now())
    await discounts.give(session, s.manager, s.deal_id, 4, None, "40", clock.now())
    await items.set_quantity(session, s.manager, s.deal_id, 5, cart.door, "1", clock.now())
    held = await discount_id(session, s.deal_id)
    assert [d[-1] for d in await discounts_of(session, s.deal_id)] == ["applied", "pending"]
    await discounts.decide(session, s.owner, held, True, clock.now())
    assert [d[-1] for d in await discounts_of(session, s.deal_id)] == ["applied", "applied"]
    # 300 − 5% = 285, − 40 = 245.
    assert await deal_state(session, s.deal_id) == (D("245.00"), 7)


async def test_an_approval_sends_no_other_discount_back(
    session: AsyncSession, clock: ManualClock, s: Shop, cart: Cart
) -> None:
    """48 of 500 on the request is within; 10% of the door with it is not, and is approved:
    the 48 stays applied, and nobody is asked again (no item changed)."""
    await discounts.give(session, s.manager, s.deal_id, 3, None, "48", clock.now())
    given = await discounts.give(session, s.manager, s.deal_id, 4, cart.door, "10%", clock.now())
    assert (given.pending, given.together) == (True, True)
    await discounts.decide(
        session, s.owner, await discount_id(session, s.deal_id), True, clock.now()
    )
    assert [d[-1] for d in await discounts_of(session, s.deal_id)] == ["applied", "applied"]
    assert [r[1] for r in await outbox_rows(session)] == [
        "discount_asked",
        "discount_asked",
        "discount_decided",
        "card_redraw",  # the manager's card shows the approved total
    ]


async def test_each_managers_discounts_are_counted_apart(
    session: AsyncSession, clock: ManualClock, s: Shop, cart: Cart
) -> None:
    """What a manager gave before the request went to another stays theirs: the new manager's
    own discounts are measured against the limit on their own."""
    await discounts.give(session, s.manager, s.deal_id, 3, None, "50", clock.now())
    await session.execute(update(Deal).values(manager_id=s.other.user_id))
    await session.commit()
    # Together with the first manager's 50 it would be 18% of 500: apart, each is within.
    given = await discounts.give(session, s.other, s.deal_id, 4, cart.door, "40", clock.now())
    assert (given.pending, await deal_state(session, s.deal_id)) == (False, (D("410.00"), 5))
    # One handle fewer takes the first manager's 50 past the limit (50 of 450), and only it.
    await items.set_quantity(session, s.other, s.deal_id, 5, cart.handle, "1", clock.now())
    assert [(d[3], d[-1]) for d in await discounts_of(session, s.deal_id)] == [
        (s.manager.user_id, "pending"),
        (s.other.user_id, "applied"),
    ]
    # The first manager did not change the items, and is told.
    told = (await outbox_rows(session))[-1]
    assert told[:3] == (10, "discount_held", {"deal_id": s.deal_id, "user_id": s.manager.user_id})


async def test_amounts_get_no_rounding_allowance(
    session: AsyncSession, clock: ManualClock, s: Shop, cart: Cart
) -> None:
    """25 + 25 on the items and 0.01 on the request is 50.01 of 500: past 10%."""
    await discounts.give(session, s.manager, s.deal_id, 3, cart.door, "25", clock.now())
    await discounts.give(session, s.manager, s.deal_id, 4, cart.handle, "10", clock.now())
    await discounts.give(session, s.manager, s.deal_id, 5, None, "15", clock.now())
    given = await discounts.give(session, s.manager, s.deal_id, 6, None, "15.01", clock.now())
    assert (given.pending, given.together) == (True, True)


# A rule's discount beside the people's.


async def rule(session: AsyncSession, name: str, clock: ManualClock) -> int:
    row = Rule(
        name=name,
        enabled=False,
        position=1,
        trigger_kind="deal_created",
        trigger={},
        conditions=[],
        actions=[],
        fired=0,
        created_at=clock.now(),
        updated_at=clock.now(),
        version=1,
    )
    session.add(row)
    await session.commit()
    return row.id


async def rule_gives(
    session: AsyncSession, clock: ManualClock, deal_id: int, rule_id: int, off: Off
) -> None:
    """As the rules' engine gives it, in its own transaction."""
    work = Work(session, clock.now(), configured_hours(session))
    await discounting.give(session, work, await session.get_one(Deal, deal_id), rule_id, off)
    await events.record_all(session, work.events)
    await session.commit()


async def test_a_rules_discount_stays_beside_the_peoples(
    session: AsyncSession, clock: ManualClock, s: Shop, cart: Cart
) -> None:
    loyal = await rule(session, "Loyal customer", clock)
    # Far above a manager's limit, applied, nobody asked.
    await rule_gives(session, clock, s.deal_id, loyal, Off(PERCENT, D(30)))
    assert await discounts_of(session, s.deal_id) == [
        (None, PERCENT, D("30.00"), None, loyal, "applied")
    ]
    assert await deal_state(session, s.deal_id) == (D("350.00"), 4)
    assert await queued(session) == []
    # A manager's within the limit (10% of the 500 discounted) goes beside it.
    given = await discounts.give(session, s.manager, s.deal_id, 4, None, "10%", clock.now())
    assert given.pending is False
    # 500 − 30% = 350, − 10% = 315.
    assert await deal_state(session, s.deal_id) == (D("315.00"), 5)
    await rule_gives(session, clock, s.deal_id, loyal, Off(AMOUNT, D(50)))
    assert await discounts_of(session, s.deal_id) == [
        (None, PERCENT, D("10.00"), s.manager.user_id, None, "applied"),
        (None, AMOUNT, D("50.00"), None, loyal, "applied"),
    ]
    # 500 − 10% = 450, − 50 = 400.
    assert await deal_state(session, s.deal_id) == (D("400.00"), 6)
    shown = await deal_items(session, s.deal_id)
    assert [(d.by, d.rule) for d in shown.discounts] == [("U10", None), (None, "Loyal customer")]
    # A person's new discount takes the place of the person's, never of the rule's.
    await discounts.give(session, s.owner, s.deal_id, 6, None, "1%", clock.now())
    rows = await discounts_of(session, s.deal_id)
    assert [(r[2], r[3], r[4]) for r in rows] == [
        (D("50.00"), None, loyal),
        (D("1.00"), s.owner.user_id, None),
    ]
    # 450 − 1% = 445.50.
    assert await deal_state(session, s.deal_id) == (D("445.50"), 7)
    rules_row = await session.scalar(select(Discount.id).where(Discount.rule_id == loyal))
    assert rules_row is not None
    with pytest.raises(NotFound):
        await discounts.take_back(session, s.manager, s.deal_id, 7, rules_row, clock.now())
    await discounts.take_back(session, s.owner, s.deal_id, 7, rules_row, clock.now())
    # 500 − 1% = 495.
    assert await deal_state(session, s.deal_id) == (D("495.00"), 8)
    assert (await history(session, s.deal_id, "discount"))[-1] == (
        "discount",
        s.owner.user_id,
        "deal",
        None,
    )
