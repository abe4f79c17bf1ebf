"""Nobody is surprised: when someone other than a deal's manager (an owner, a rule) moves it,
changes its amount or hands it over, the manager's newest card of it is redrawn and they are
told in one line what changed and by whom."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services import outbox
from services.access import MANAGER
from services.db.deals import Deal
from services.db.users import User

CHANGED, REDRAW, HANDED_OVER = "deal_changed", "card_redraw", "deal_handed_over"
STAGE, AMOUNT = "stage", "amount"


def by_person(user_id: int) -> dict[str, int]:
    return {"by": user_id}


def by_rule(rule_id: int) -> dict[str, int]:
    return {"rule_id": rule_id}


def redraw(chat_id: int, deal_id: int, version: int, now: datetime) -> outbox.QueuedRow:
    return outbox.queued(
        chat_id=chat_id,
        kind=REDRAW,
        payload={"deal_id": deal_id},
        dedupe_key=f"{REDRAW}:{deal_id}:v{version}:{chat_id}",
        now=now,
    )


def notices(
    manager: User,
    deal: Deal,
    version: int,
    now: datetime,
    change: str,
    old: object,
    new: object,
    who: dict[str, int],
) -> list[outbox.QueuedRow]:
    """The redraw and the line that says what changed (`who`: `by_person` or `by_rule`)."""
    told = {
        "deal_id": deal.id,
        "change": change,
        "from": None if old is None else str(old),
        "to": None if new is None else str(new),
        **who,
    }
    return [
        redraw(manager.tg_id, deal.id, version, now),
        outbox.queued(
            chat_id=manager.tg_id,
            kind=CHANGED,
            payload=told,
            dedupe_key=f"{CHANGED}:{deal.id}:v{version}:{change}",
            now=now,
        ),
    ]


async def manager_told(
    session: AsyncSession,
    actor_id: int,
    deal: Deal,
    version: int,
    now: datetime,
    change: str,
    old: object,
    new: object,
) -> None:
    """A person's change: its deal's manager is told unless they made it themselves, or no
    longer works here (deactivated, or blocked the bot)."""
    if deal.manager_id is None or deal.manager_id == actor_id:
        return
    manager = await session.get(User, deal.manager_id)
    if manager is None or manager.blocked or (manager.role == MANAGER and not manager.is_active):
        return
    rows = notices(manager, deal, version, now, change, old, new, by_person(actor_id))
    await outbox.enqueue_all(session, rows)


async def amount_redrawn(
    session: AsyncSession, deal_id: int, before: object, now: datetime
) -> None:
    """The deal's manager's card redrawn when its amount is no longer `before`, with no line:
    a change they are told of in its own words (an owner's decision on a discount)."""
    deal = await session.get_one(Deal, deal_id, populate_existing=True)
    manager = await session.get(User, deal.manager_id) if deal.manager_id else None
    if (
        deal.amount == before
        or manager is None
        or manager.blocked
        or (manager.role == MANAGER and not manager.is_active)
    ):
        return
    await outbox.enqueue_all(session, [redraw(manager.tg_id, deal.id, deal.version, now)])
