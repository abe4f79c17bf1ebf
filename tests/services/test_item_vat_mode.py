"""Whether prices include VAT is kept with a deal's items: the owner switching the sales setting
changes no deal that holds items (its totals, card, items screen and amount stay, and an item
added to it later is counted as the others), while a deal without items, or whose items were all
removed, takes the setting as it is."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import create_i18n
from presentation.deals.card import Reader, card_text
from presentation.items import items_text
from services import items, sales
from services.clock import ManualClock
from services.db.catalog import DealItem, DealMeasure
from services.db.users import User
from services.item_views import deal_items
from services.views import deal_card
from tests.support.catalog import (
    LAMINATE,
    NOW,
    UNDERLAY,
    Shop,
    deal_state,
    product,
    room,
    shop,
)
from tests.support.reports_seed import BAKU
from tests.support.seed import deal_for

D = Decimal


@dataclasses.dataclass(frozen=True)
class Goods:
    door: int
    handle: int
    laminate: int
    underlay: int


@pytest.fixture
async def s(session: AsyncSession, clock: ManualClock) -> Shop:
    return await shop(session, clock)


@pytest.fixture
async def goods(session: AsyncSession, clock: ManualClock, s: Shop) -> Goods:
    """Each at 18% VAT: a door at 310.99, a handle at 12.50, laminate at 20.00 and underlay at
    2.50 a square metre counted from a room."""
    now = clock.now()
    kind = (await room(session)).id
    door = await product(session, now, "Door", "310.99", vat="18")
    handle = await product(session, now, "Handle", "12.50", vat="18")
    laminate = await product(
        session, now, "Laminate", "20.00", "m2", vat="18", measure_set_id=kind, formula=LAMINATE
    )
    underlay = await product(
        session, now, "Underlay", "2.50", "m2", vat="18", measure_set_id=kind, formula=UNDERLAY
    )
    return Goods(door.id, handle.id, laminate.id, underlay.id)


async def modes(session: AsyncSession, deal_id: int) -> list[bool]:
    rows = await session.scalars(
        select(DealItem.vat_included).where(DealItem.deal_id == deal_id).order_by(DealItem.id)
    )
    return list(rows)


async def shown(session: AsyncSession, s: Shop, deal_id: int) -> tuple[list[str], list[str]]:
    """The card's money lines and the items screen's totals, as the manager reads them."""
    reader = Reader(BAKU, "en", "AZN", NOW, False, s.manager.user_id)
    i18n = create_i18n("en")
    with i18n.context(), i18n.use_locale("en"):
        card = card_text(await deal_card(session, deal_id), reader).splitlines()
        screen = items_text(await deal_items(session, deal_id), reader).splitlines()
    return [line for line in card if line.startswith(("🧾", "💰"))], screen[-3:]


async def test_a_deal_with_items_keeps_its_totals_when_the_owner_switches_vat(
    session: AsyncSession, clock: ManualClock, s: Shop, goods: Goods
) -> None:
    now = clock.now()
    await items.add(session, s.manager, s.deal_id, 1, goods.door, "1", now)
    # 310.99 with 18% in it: 47.4391… → 47.44.
    door = (
        ["🧾 Subtotal AZN310.99 · VAT included AZN47.44", "💰 AZN310.99"],
        ["Subtotal: AZN310.99", "VAT included: AZN47.44", "<b>Total: AZN310.99</b>"],
    )
    assert await shown(session, s, s.deal_id) == door
    assert await sales.set_vat(session, s.owner, False, now) == sales.Sales(False, D(10))
    assert await shown(session, s, s.deal_id) == door
    counted = (await deal_items(session, s.deal_id)).totals
    assert (counted.vat_included, counted.vat, counted.total) == (True, D("47.44"), D("310.99"))
    assert await deal_state(session, s.deal_id) == (D("310.99"), 2)
    # Added since, by quantity and by measurements, each is counted with VAT in its price, as
    # the door is: 25.00 (3.81 of it VAT), 14 m² of laminate 280.00 (42.71), 12 m² of underlay
    # 30.00 (4.58).
    await items.add(session, s.manager, s.deal_id, 2, goods.handle, "2", now)
    await items.add_measured(session, s.manager, s.deal_id, 3, goods.laminate, "4 x 3", now)
    measure = await session.scalar(select(DealMeasure.id))
    assert measure is not None
    screen = await items.add_on_measure(
        session, s.manager, s.deal_id, 4, goods.underlay, measure, now
    )
    counted = screen.items.totals
    assert (counted.vat_included, counted.vat, counted.total) == (True, D("98.54"), D("645.99"))
    assert await modes(session, s.deal_id) == [True] * 4
    assert await deal_state(session, s.deal_id) == (D("645.99"), 5)
    assert (await shown(session, s, s.deal_id))[0][-1] == "💰 AZN645.99"
    # Switched back, nothing changes either.
    await sales.set_vat(session, s.owner, True, now)
    assert (await deal_items(session, s.deal_id)).totals == counted


async def test_a_deal_without_items_takes_the_setting_as_it_is(
    session: AsyncSession, clock: ManualClock, s: Shop, goods: Goods
) -> None:
    now = clock.now()
    await items.add(session, s.manager, s.deal_id, 1, goods.door, "1", now)
    await sales.set_vat(session, s.owner, False, now)
    manager = await session.get_one(User, s.manager.user_id)
    other = (await deal_for(session, manager, clock, name="Bako", phone="+994551112233")).id
    screen = await items.add(session, s.manager, other, 1, goods.door, "1", now)
    # 310.99 + 18% = 366.9682 → 366.97.
    assert (screen.items.totals.vat_included, screen.items.totals.total) == (False, D("366.97"))
    assert await modes(session, other) == [False]
    assert await deal_state(session, other) == (D("366.97"), 2)
    assert await deal_state(session, s.deal_id) == (D("310.99"), 2)


async def test_a_deal_whose_items_were_all_removed_takes_the_setting_anew(
    session: AsyncSession, clock: ManualClock, s: Shop, goods: Goods
) -> None:
    now = clock.now()
    await items.add(session, s.manager, s.deal_id, 1, goods.door, "1", now)
    await sales.set_vat(session, s.owner, False, now)
    (door,) = await session.scalars(select(DealItem.id))
    emptied = await items.remove(session, s.manager, s.deal_id, 2, door, now)
    assert emptied.items.items == () and not emptied.items.totals.vat_included
    # The amount stays as it was last counted, until an item is added.
    assert await deal_state(session, s.deal_id) == (D("310.99"), 3)
    screen = await items.add(session, s.manager, s.deal_id, 3, goods.door, "1", now)
    assert (screen.items.totals.vat_included, screen.items.totals.total) == (False, D("366.97"))
    assert await modes(session, s.deal_id) == [False]
    assert await deal_state(session, s.deal_id) == (D("366.97"), 4)
    assert await shown(session, s, s.deal_id) == (
        ["🧾 Subtotal AZN310.99 · VAT AZN55.98", "💰 AZN366.97"],
        ["Subtotal: AZN310.99", "VAT: AZN55.98", "<b>Total: AZN366.97</b>"],
    )
