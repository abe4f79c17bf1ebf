"""A call or a web form from the own number of a customer merged into another comes to the one
kept (the request carries the number), and goes back with the undo; once the kept one has
joined a Telegram account's record, to that one."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import merge, unmerge
from services.access import actor_of
from services.calls import CallEvent, record_call
from services.clock import ManualClock
from services.customers import save_phone
from services.db.customers import Customer
from services.db.deals import Deal
from services.db.tasks import Task
from services.leads import Lead, submit_lead
from tests.support.seed import add_user, deal_for, person

NUMBER = "+994501234567"
OTHER_NUMBER = "+994507654321"


async def deals(session: AsyncSession) -> list[tuple[int, int, str | None]]:
    session.expire_all()
    found = await session.execute(select(Deal.id, Deal.customer_id, Deal.phone).order_by(Deal.id))
    return [tuple(r) for r in found.all()]


async def missed_call(
    session: AsyncSession, clock: ManualClock, status: str = "missed", external_id: str = "call-1"
) -> dict[str, object]:
    call = CallEvent(OTHER_NUMBER, status, "in", external_id)
    answer, _ = await record_call(
        session,
        call,
        token_id=None,
        region="AZ",
        callback_after=timedelta(hours=2),
        now=clock.now(),
    )
    await session.commit()
    return dict(answer)


async def test_a_call_and_a_form_from_the_merged_record_s_number_come_to_the_kept_one(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = actor_of(await add_user(session, 1, "owner", clock), "en")
    # Lead has deal 1; Rauf, with a number of his own, gives Lead's number with deal 2.
    await deal_for(session, None, clock, name="Lead", phone=NUMBER)
    (await deal_for(session, None, clock, name="Rauf", phone=OTHER_NUMBER)).phone = NUMBER
    await session.commit()
    merged = await merge.merge(session, owner, 2, 1, 1, clock.now())

    clock.advance(timedelta(minutes=5))
    for deal in await session.scalars(select(Deal)):
        deal.closed_at = clock.now()
    await session.commit()
    answer = await missed_call(session, clock)
    lead = Lead("Rauf", OTHER_NUMBER, None, "A table too", None, "form-1")
    await submit_lead(session, lead, token_id=None, region="AZ", now=clock.now())
    await session.commit()
    # Each opens a request of Lead's carrying the number.
    assert answer["deal_id"] == 3
    assert await deals(session) == [
        (1, 1, None),
        (2, 1, NUMBER),
        (3, 1, OTHER_NUMBER),
        (4, 1, OTHER_NUMBER),
    ]
    assert await session.scalar(select(func.count(Customer.id))) == 2

    undone = await unmerge.undo(session, owner, merged.merge_id, clock.now())
    assert undone.deals == [2, 3, 4]
    assert await deals(session) == [
        (1, 1, None),
        (2, 2, NUMBER),
        (3, 2, OTHER_NUMBER),
        (4, 2, OTHER_NUMBER),
    ]


async def test_after_the_kept_record_joins_a_telegram_account_its_calls_follow_it(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = actor_of(await add_user(session, 1, "owner", clock), "en")
    await deal_for(session, None, clock, name="Lead", phone=NUMBER)
    (await deal_for(session, None, clock, name="Rauf", phone=OTHER_NUMBER)).phone = NUMBER
    await session.commit()
    await merge.merge(session, owner, 2, 1, 1, clock.now())
    # Lead's own Telegram account shares Lead's number: Lead's record joins the account's.
    account = (await add_user(session, 100, "customer", clock)).id
    assert await save_phone(session, account, NUMBER, clock.now())
    for deal in await session.scalars(select(Deal)):
        deal.closed_at = clock.now()
    await session.commit()

    await missed_call(session, clock)
    kept = await session.scalar(select(Customer.id).where(Customer.user_id == account))
    assert await deals(session) == [(1, kept, None), (2, kept, NUMBER), (3, kept, OTHER_NUMBER)]


async def test_an_answered_call_from_the_merged_number_closes_its_call_back(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = actor_of(await add_user(session, 1, "owner", clock), "en")
    await person(session, 200, "manager", clock, "Anna")
    await deal_for(session, None, clock, name="Lead", phone=NUMBER)
    (await deal_for(session, None, clock, name="Rauf", phone=OTHER_NUMBER)).phone = NUMBER
    for deal in await session.scalars(select(Deal)):
        deal.closed_at = clock.now()
    await session.commit()
    await merge.merge(session, owner, 2, 1, 1, clock.now())
    missed = await missed_call(session, clock)
    assert (missed["action"], missed["deal_id"]) == ("callback_task", 3)

    answered = await missed_call(session, clock, "answered", "call-2")
    assert answered == {"action": "callback_closed", "deal_id": 3, "task_id": missed["task_id"]}
    task = await session.get_one(Task, missed["task_id"])
    assert task.done_at == clock.now()
