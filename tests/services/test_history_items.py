"""A deal's history names the products of its items' changes and of the discounts on them (an
item since removed named as none), quantities and discounts read back as numbers, and a rule's
discount as the rule's."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from services import events, fields
from services.clock import ManualClock
from services.db.catalog import DealItem
from services.history import ON_DEAL, ON_ITEM, deal_history
from services.rules.model import AMOUNT
from services.totals import PERCENT, Off
from tests.support.catalog_seed import LAMINATE, SKIRTING, item, product
from tests.support.rules import rule
from tests.support.seed import setup_deal


async def test_items_and_discounts_are_named_by_their_products(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    laminate = await product(session, LAMINATE, "25.00", "m2")
    skirting = await product(session, SKIRTING, "4.50")
    kept = await item(session, 1, laminate, "14")
    gone = await item(session, 1, skirting, "10")
    wholesale = await fields.add(
        session, owner, "deal", "yes_no", {"en": "Wholesale"}, None, clock.now()
    )
    await rule(
        session,
        owner,
        clock,
        name="Wholesale",
        when={"event": "field_changed", "field": wholesale.key},
        then=[{"do": "discount", "percent": "5"}],
    )
    clock.advance(timedelta(minutes=1))
    who, now = manager.user_id, clock.now()
    events.record(session, 1, who, "item", now, None, f"{laminate.id}:12")
    events.record(session, 1, who, "item", now, f"{laminate.id}:12", f"{laminate.id}:14")
    events.record(session, 1, who, "discount", now, str(kept.id), "amount:50.00")
    events.record(session, 1, who, "discount_asked", now, str(gone.id), "percent:15")
    events.record(session, 1, who, "item", now, f"{skirting.id}:10", None)
    events.record(session, 1, who, "discount", now, str(gone.id), None)
    await session.execute(delete(DealItem).where(DealItem.id == gone.id))
    await session.commit()
    clock.advance(timedelta(minutes=1))
    await fields.set_picked(session, manager, 1, wholesale.field_id, 1, clock.now())

    page = await deal_history(session, owner, 1, 0, size=20)

    shown = [
        (e.kind, e.old, e.new, e.product, e.who, e.rule)
        for e in page.entries
        if e.kind in ("item", "discount", "discount_asked", AMOUNT)
    ]
    assert shown == [
        ("item", None, Decimal("12"), LAMINATE, "U10", None),
        ("item", Decimal("12"), Decimal("14"), LAMINATE, "U10", None),
        ("discount", ON_ITEM, Off("amount", Decimal("50.00")), LAMINATE, "U10", None),
        ("discount_asked", ON_ITEM, Off(PERCENT, Decimal("15")), None, "U10", None),
        ("item", Decimal("10"), None, SKIRTING, "U10", None),
        ("discount", ON_ITEM, None, None, "U10", None),
        ("discount", ON_DEAL, Off(PERCENT, Decimal("5")), None, None, "Wholesale"),
        # Laminate 14 × 25.00 = 350.00, less 5%.
        (AMOUNT, None, Decimal("332.50"), None, None, "Wholesale"),
    ]
