"""Items on a deal: added from the catalog with a quantity, or with the measurements their
formula counts the quantity from (one set of measurements may drive several items); changed,
removed. Every change takes the deal's version as a card's action does, makes the deal's
amount the items' total, and is in the deal's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services import discount_limits, events, formulas, pipeline, sales, stock
from services.access import Actor, require_deal
from services.amounts import LIMIT, parse_number
from services.catalog import measure_set, product
from services.db.catalog import DealItem, DealMeasure, Discount, Product
from services.db.deals import Deal
from services.errors import ErrorCode, InvalidInput, NotFound
from services.item_views import DealItems, deal_items
from services.manager_notices import AMOUNT, manager_told
from services.measures import parse_measures
from services.shortages import Shortage

MAX_QUANTITY = Decimal(10) ** 9
MAX_ITEMS = 100
ITEM = "item"


def item_value(product_id: int, quantity: Decimal | None) -> str | None:
    """How an item's change is kept in the history: the product and its quantity."""
    return None if quantity is None else f"{product_id}:{quantity.normalize():f}"


def parse_quantity(text: str, locale: str) -> Decimal:
    quantity = parse_number(text, locale, ErrorCode.QUANTITY)
    if not Decimal(0) < quantity < MAX_QUANTITY or quantity != quantity.quantize(Decimal("0.001")):
        raise InvalidInput(ErrorCode.QUANTITY)
    return quantity


@dataclass(frozen=True)
class Screen:
    """A deal's items with the deal's version and whether it is open, for the buttons; after a
    change, what the deal now holds beyond the stock (services/shortages.py)."""

    items: DealItems
    version: int
    is_open: bool
    short: tuple[Shortage, ...] = ()


async def open_version(session: AsyncSession, actor: Actor, deal_id: int) -> int | None:
    """The version of a deal the actor works on, if it is open: what a product found for it
    in inline search is added on, read for every letter typed."""
    found = await session.get(Deal, deal_id)
    if found is None:
        raise NotFound()
    require_deal(actor, found)
    return found.version if found.closed_at is None else None


async def screen(session: AsyncSession, actor: Actor, deal_id: int) -> Screen:
    card = await pipeline.card(session, actor, deal_id)
    shown = card.items or await deal_items(session, deal_id)
    return Screen(shown, card.version, card.closed_at is None)


async def add(
    session: AsyncSession,
    actor: Actor,
    deal_id: int,
    seen: int,
    product_id: int,
    text: str,
    now: datetime,
) -> Screen:
    """A product with a typed quantity; a product with a formula asks for measurements."""
    deal = await _open(session, actor, deal_id, seen)
    found = await product(session, actor, product_id)
    if found.formula is not None:
        raise InvalidInput(ErrorCode.MEASURES_NEEDED)
    quantity = parse_quantity(text, actor.locale)
    await _new_item(session, actor, deal, product_id, quantity, None, now)
    return await recounted(session, deal, seen, now, changed_by=actor.user_id)


async def add_measured(
    session: AsyncSession,
    actor: Actor,
    deal_id: int,
    seen: int,
    product_id: int,
    text: str,
    now: datetime,
) -> Screen:
    """A product whose formula counts its quantity from measurements typed now."""
    deal = await _open(session, actor, deal_id, seen)
    found = await product(session, actor, product_id)
    if found.formula is None or found.measure_set_id is None:
        raise InvalidInput(ErrorCode.MEASURES)
    values = await _typed(session, actor, found.measure_set_id, text)
    quantity = _counted(found.formula, values)
    measure = DealMeasure(
        deal_id=deal_id,
        set_id=found.measure_set_id,
        values={k: f"{v:f}" for k, v in values.items()},
        created_at=now,
    )
    session.add(measure)
    await session.flush()
    await _new_item(session, actor, deal, product_id, quantity, measure.id, now)
    return await recounted(session, deal, seen, now, changed_by=actor.user_id)


async def add_on_measure(
    session: AsyncSession,
    actor: Actor,
    deal_id: int,
    seen: int,
    product_id: int,
    measure_id: int,
    now: datetime,
) -> Screen:
    """A product counted from measurements already on the deal (underlay for the same room)."""
    deal = await _open(session, actor, deal_id, seen)
    found = await product(session, actor, product_id)
    measure = await _measure(session, deal_id, measure_id)
    if found.formula is None or found.measure_set_id != measure.set_id:
        raise InvalidInput(ErrorCode.MEASURES)
    quantity = _counted(found.formula, _values(measure))
    await _new_item(session, actor, deal, product_id, quantity, measure_id, now)
    return await recounted(session, deal, seen, now, changed_by=actor.user_id)


async def set_quantity(
    session: AsyncSession,
    actor: Actor,
    deal_id: int,
    seen: int,
    item_id: int,
    text: str,
    now: datetime,
) -> Screen:
    deal = await _open(session, actor, deal_id, seen)
    item = await _item(session, deal_id, item_id)
    if item.measure_id is not None:
        raise InvalidInput(ErrorCode.QUANTITY)
    quantity = parse_quantity(text, actor.locale)
    old = item_value(item.product_id, item.quantity)
    item.quantity = quantity
    events.record(
        session, deal_id, actor.user_id, ITEM, now, old, item_value(item.product_id, quantity)
    )
    return await recounted(session, deal, seen, now, changed_by=actor.user_id)


async def set_measures(
    session: AsyncSession,
    actor: Actor,
    deal_id: int,
    seen: int,
    measure_id: int,
    text: str,
    now: datetime,
) -> Screen:
    """New measurements: every item counted from them is counted again."""
    deal = await _open(session, actor, deal_id, seen)
    measure = await _measure(session, deal_id, measure_id)
    values = await _typed(session, actor, measure.set_id, text)
    items = (
        await session.scalars(select(DealItem).where(DealItem.measure_id == measure_id))
    ).all()
    for item in items:
        # Switched off or moved to other measurements since, it keeps its quantity.
        found = await session.get_one(Product, item.product_id)
        if found.formula is None or found.measure_set_id != measure.set_id:
            continue
        quantity = _counted(found.formula, values)
        if quantity != item.quantity:
            old = item_value(item.product_id, item.quantity)
            item.quantity = quantity
            events.record(
                session,
                deal_id,
                actor.user_id,
                ITEM,
                now,
                old,
                item_value(item.product_id, quantity),
            )
    measure.values = {k: f"{v:f}" for k, v in values.items()}
    return await recounted(session, deal, seen, now, changed_by=actor.user_id)


async def remove(
    session: AsyncSession, actor: Actor, deal_id: int, seen: int, item_id: int, now: datetime
) -> Screen:
    deal = await _open(session, actor, deal_id, seen)
    item = await _item(session, deal_id, item_id)
    old = item_value(item.product_id, item.quantity)
    await session.execute(delete(Discount).where(Discount.item_id == item_id))
    await session.delete(item)
    await session.flush()
    if item.measure_id is not None:
        left = await session.scalar(
            select(DealItem.id).where(DealItem.measure_id == item.measure_id).limit(1)
        )
        if left is None:
            await session.execute(delete(DealMeasure).where(DealMeasure.id == item.measure_id))
    events.record(session, deal_id, actor.user_id, ITEM, now, old, None)
    if (
        await session.scalar(select(DealItem.id).where(DealItem.deal_id == deal_id).limit(1))
        is None
    ):
        # Nothing left to discount: the request's discounts go with the last item, rather than
        # coming back on the next one.
        gone = await session.execute(
            delete(Discount).where(Discount.deal_id == deal_id).returning(Discount.id)
        )
        if gone.all():
            events.record(session, deal_id, actor.user_id, "discount", now, "deal", None)
    return await recounted(session, deal, seen, now, changed_by=actor.user_id)


async def _open(session: AsyncSession, actor: Actor, deal_id: int, seen: int) -> Deal:
    deal = await pipeline.load(session, actor, deal_id, seen)
    pipeline.require_open(deal)
    return deal


async def _new_item(
    session: AsyncSession,
    actor: Actor,
    deal: Deal,
    product_id: int,
    quantity: Decimal,
    measure_id: int | None,
    now: datetime,
) -> None:
    """The item, at the product's price, VAT rate and unit now and in the deal's VAT mode, and
    its line in the history."""
    count = await session.scalar(select(func.count()).where(DealItem.deal_id == deal.id))
    if (count or 0) >= MAX_ITEMS:
        raise InvalidInput(ErrorCode.TOO_MANY_ITEMS)
    found = await session.get_one(Product, product_id)
    session.add(
        DealItem(
            deal_id=deal.id,
            product_id=product_id,
            measure_id=measure_id,
            quantity=quantity,
            unit=found.unit,
            price=found.price,
            vat_rate=found.vat_rate,
            vat_included=await vat_mode(session, deal.id),
            created_at=now,
        )
    )
    value = item_value(product_id, quantity)
    events.record(session, deal.id, actor.user_id, ITEM, now, None, value)


async def vat_mode(session: AsyncSession, deal_id: int) -> bool:
    """Whether the prices of an item added to the deal include VAT: as its items have it (they
    share one mode, so switching the sales setting leaves the deal's totals as they are), else
    as the setting is now."""
    held = await session.scalar(
        select(DealItem.vat_included)
        .where(DealItem.deal_id == deal_id)
        .order_by(DealItem.id)
        .limit(1)
    )
    return (await sales.current(session)).vat_included if held is None else held


async def _typed(
    session: AsyncSession, actor: Actor, set_id: int, text: str
) -> dict[str, Decimal]:
    """The measurements as typed, by their keys in the measure set."""
    inputs = await measure_set(session, actor, set_id)
    typed = parse_measures(text, actor.locale, len(inputs.keys))
    return dict(zip(inputs.keys, typed, strict=True))


async def _item(session: AsyncSession, deal_id: int, item_id: int) -> DealItem:
    item = await session.get(DealItem, item_id)
    if item is None or item.deal_id != deal_id:
        raise NotFound()
    return item


async def _measure(session: AsyncSession, deal_id: int, measure_id: int) -> DealMeasure:
    measure = await session.get(DealMeasure, measure_id)
    if measure is None or measure.deal_id != deal_id:
        raise NotFound()
    return measure


def _values(measure: DealMeasure) -> dict[str, Decimal]:
    return {k: Decimal(v) for k, v in measure.values.items()}


def _counted(formula: str, values: dict[str, Decimal]) -> Decimal:
    try:
        quantity = formulas.evaluate(formula, values)
    except formulas.FormulaError as error:
        raise InvalidInput(ErrorCode.MEASURES) from error
    if not Decimal(0) < quantity < MAX_QUANTITY:
        raise InvalidInput(ErrorCode.MEASURES)
    return quantity


async def recount(
    session: AsyncSession,
    deal: Deal,
    seen: int | None,
    now: datetime,
    *,
    changed_by: int | None = None,
    by: int | None = None,
) -> None:
    """The deal's amount becomes its items' total, with a new version (on the version `seen`
    when a card acted, else on whatever it is), nothing committed. When a user `changed_by` the
    items, the managers' discounts that took past their limit go back to the owners first. The
    deal's manager is told of a new amount that someone else (`changed_by`, or `by` a discount)
    made from a card."""
    await session.flush()
    if changed_by is not None:
        counted = await discount_limits.recheck(session, deal.id, changed_by, now)
    else:
        counted = await deal_items(session, deal.id)
    old = deal.amount
    new = counted.totals.total if counted.items else old
    if new is not None and new >= LIMIT:
        raise InvalidInput(ErrorCode.TOO_MANY_ITEMS)
    if seen is None:
        await session.execute(
            update(Deal)
            .where(Deal.id == deal.id)
            .values(version=Deal.version + 1, amount=new, last_activity_at=now)
            .execution_options(synchronize_session=False)
        )
    else:
        await pipeline.write(session, deal, seen, amount=new, last_activity_at=now)
    if new != old:
        events.record(session, deal.id, None, "amount", now, old, new)
        person = changed_by if changed_by is not None else by
        if person is not None and seen is not None:
            await manager_told(session, person, deal, seen + 1, now, AMOUNT, old, new)
        await pipeline.amount_changed(session, deal.id, old, new, now)


async def recounted(
    session: AsyncSession,
    deal: Deal,
    seen: int,
    now: datetime,
    *,
    changed_by: int | None = None,
    by: int | None = None,
) -> Screen:
    """Recounted and committed: the items as they are now. When a user `changed_by` them, the
    stock the deal holds follows them."""
    deal_id = deal.id
    await recount(session, deal, seen, now, changed_by=changed_by, by=by)
    short: list[Shortage] = []
    if changed_by is not None:
        short = await stock.items_changed(session, deal_id, now, changed_by)
    await session.commit()
    session.expire_all()
    version, closed = (
        await session.execute(select(Deal.version, Deal.closed_at).where(Deal.id == deal_id))
    ).one()
    return Screen(await deal_items(session, deal_id), version, closed is None, tuple(short))
