"""Undoing a merge after the kept record was changed since: what the owner changed stays."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services import merge, unmerge
from services.access import actor_of
from services.clock import ManualClock
from services.content import Content
from services.db.customers import Customer
from services.intake import submit_request
from tests.support.seed import add_user, deal_for

NUMBER = "+994501234567"


async def test_a_name_given_to_the_kept_record_since_the_merge_stays_after_the_undo(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = actor_of(await add_user(session, 1, "owner", clock), "en")
    # A web lead with no name; a Telegram customer's request gives its number.
    await deal_for(session, None, clock, name="", phone=NUMBER, email="a@example.com")
    customer = await add_user(session, 100, "customer", clock)
    account = customer.id
    await submit_request(session, actor_of(customer, "en"), Content("sofa"), NUMBER, clock.now())
    merged = await merge.merge(session, owner, 2, 1, 1, clock.now())
    kept = await session.get_one(Customer, 1)
    assert kept.name == "U100"
    kept.name = "Leyla Aliyeva"
    await session.commit()

    await unmerge.undo(session, owner, merged.merge_id, clock.now())
    session.expire_all()
    kept, back = await session.get_one(Customer, 1), await session.get_one(Customer, 2)
    assert (kept.name, kept.user_id, back.name, back.user_id) == (
        "Leyla Aliyeva",
        None,
        "U100",
        account,
    )
