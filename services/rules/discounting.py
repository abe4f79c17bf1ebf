"""A rule's discount on the whole deal, in the rule's transaction: it takes the place of the same
rule's earlier one (a rule's discounts never stack), the deal's amount becomes its items' total
with a new version, and both changes are in the history as the rule's. The new amount is
reported back to the engine like any action's change, so the rules it triggers are as deep as
the chain allows and never the rule that gave it. (A person's discount goes through
services.discounts, which counts the amount through services.items and services.pipeline: those
fire the rules themselves, so the rules' own discount is written here.)"""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.catalog import Discount
from services.db.deals import Deal
from services.item_views import APPLIED, REFUSED, deal_items
from services.rules.happened import Happened
from services.rules.model import AMOUNT, FIELD_CHANGED
from services.rules.work import Work
from services.totals import Off

# The event of a discount (as services.discounts records it): on the whole deal, "kind:value".
DISCOUNT, ON_DEAL = "discount", "deal"


def event_value(off: Off) -> str:
    return f"{off.kind}:{off.value}"


async def give(
    session: AsyncSession, work: Work, deal: Deal, rule_id: int, off: Off
) -> list[Happened]:
    """Nothing is given on a deal with no items: a discount on it changes nothing counted."""
    counted = await deal_items(session, deal.id)
    if not counted.items:
        return []
    now = work.now
    await session.execute(
        delete(Discount).where(
            Discount.deal_id == deal.id,
            Discount.item_id.is_(None),
            Discount.rule_id == rule_id,
            Discount.state != REFUSED,
        )
    )
    session.add(
        Discount(
            deal_id=deal.id,
            kind=off.kind,
            value=off.value,
            rule_id=rule_id,
            state=APPLIED,
            created_at=now,
        )
    )
    await session.flush()
    work.record(deal.id, DISCOUNT, ON_DEAL, event_value(off), rule_id)
    old, new = deal.amount, (await deal_items(session, deal.id)).totals.total
    await session.execute(
        update(Deal)
        .where(Deal.id == deal.id)
        .values(version=Deal.version + 1, amount=new, last_activity_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(deal)
    if new == old:
        return []
    work.record(deal.id, AMOUNT, old, new, rule_id)
    detail = {"field": AMOUNT, "old": old, "new": new}
    return [Happened(FIELD_CHANGED, deal.id, f"amount:{now.isoformat()}", detail)]
