"""Stage management, deal lists, search and history as services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import deal_search, history, pipeline, stages
from services.access import actor_of
from services.clock import ManualClock
from services.content import Attachment, Content
from services.conversation import staff_replies
from services.customers import save_phone
from services.db.deals import Stage
from services.db.users import User
from services.errors import AccessDenied, InvalidInput
from services.intake import submit_request
from tests.support.seed import add_user, setup_deal


async def test_stage_positions_stay_dense_and_won_lost_last(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = actor_of(await add_user(session, 1, "owner", clock), "en")
    await stages.add(session, owner, "  Site   visit ", clock.now())
    await stages.shift(session, owner, 7, True, clock.now())
    await stages.shift(session, owner, 1, True, clock.now())  # already first: nothing moves
    rows = await session.execute(
        select(Stage.id, Stage.position, Stage.kind).order_by(Stage.position)
    )
    assert list(rows) == [
        (1, 1, "open"),
        (2, 2, "open"),
        (3, 3, "open"),
        (7, 4, "open"),
        (4, 5, "open"),
        (5, 6, "won"),
        (6, 7, "lost"),
    ]
    assert (await session.get_one(Stage, 7)).names == dict.fromkeys(
        ("en", "az", "ru"), "Site visit"
    )
    for bad in ("", "   ", "x" * 65):
        with pytest.raises(InvalidInput):
            await stages.add(session, owner, bad, clock.now())
    with pytest.raises(InvalidInput):
        await stages.rename(session, owner, 7, "de", "Besuch", clock.now())
    detail = await stages.rename(session, owner, 7, "az", "Baxış", clock.now())
    assert detail.stage.names == {"en": "Site visit", "az": "Baxış", "ru": "Site visit"}


async def test_staff_lists_and_search_respect_ownership(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, owner, customer = await setup_deal(session, clock)
    other = actor_of(await add_user(session, 11, "manager", clock), "en")
    with pytest.raises(AccessDenied):
        await deal_search.open_deals(session, customer, 0, 0, False, clock.now())
    with pytest.raises(AccessDenied):
        await deal_search.find(session, customer, "1")
    assert (await deal_search.open_deals(session, other, 0, 0, False, clock.now())).total == 0
    assert (await deal_search.find(session, other, "U100")).rows == []
    mine = await deal_search.open_deals(session, manager, 5, 0, False, clock.now())
    assert (mine.total, mine.page, mine.pages, mine.everyone) == (1, 0, 1, False)
    everyone = await deal_search.open_deals(session, owner, 0, 0, False, clock.now())
    assert everyone.everyone and everyone.rows[0].manager_name == "U10"

    await pipeline.lose(session, manager, 1, 1, "price", clock.now())
    assert (await deal_search.open_deals(session, owner, 0, 0, False, clock.now())).total == 0
    found = await deal_search.find(session, manager, "u10")
    assert [r.deal_id for r in found.rows] == [1]  # closed deals are still found


async def test_search_by_phone_escapes_wildcards_and_caps_results(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = actor_of(await add_user(session, 1, "owner", clock), "en")
    for number in range(22):
        user = await add_user(session, 200 + number, "customer", clock)
        await save_phone(session, user.id, f"+99450123{number:04d}", clock.now())
        await submit_request(session, actor_of(user, "en"), Content("x"), None, clock.now())
    found = await deal_search.find(session, owner, "050 123 0007")
    assert [r.deal_id for r in found.rows] == [8]
    many = await deal_search.find(session, owner, "50123")
    assert (len(many.rows), many.more) == (20, True)
    assert (await deal_search.find(session, owner, "%")).rows == []
    assert (await deal_search.find(session, owner, "_")).rows == []
    assert (await deal_search.find(session, owner, "   ")).rows == []
    assert [r.deal_id for r in (await deal_search.find(session, owner, "#22")).rows] == [22]


async def test_history_names_people_stages_and_messages(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, owner, customer = await setup_deal(session, clock)
    clock.advance(timedelta(minutes=1))
    await staff_replies(
        session,
        manager,
        1,
        Content("hi", (Attachment("photo", "F1", ""),)),
        clock.now(),
    )
    clock.advance(timedelta(minutes=1))
    await pipeline.set_amount(session, manager, 1, 1, "99.5", clock.now())
    await pipeline.set_amount(session, manager, 1, 2, "100", clock.now())
    await pipeline.move(session, manager, 1, 3, 4, clock.now())
    await pipeline.reassign(session, owner, 1, 4, owner.user_id, clock.now())
    page = await history.deal_history(session, owner, 1, 0)
    summary = [(e.who, e.kind, e.old, e.new) for e in page.entries]
    assert summary[3:] == [
        ("U10", "first_response", None, None),
        ("U10", "message_out", "text", "hi"),
        ("U10", "message_out", "photo", ""),
        ("U10", "amount", None, Decimal("99.50")),
        ("U10", "amount", Decimal("99.50"), Decimal("100.00")),
        ("U10", "stage", {"en": "New", "az": "Yeni", "ru": "Новая"}, summary[-2][3]),
        ("U1", "assigned", "U10", "U1"),
    ]
    assert summary[-2][3]["en"] == "Invoice sent"
    assert (page.page, page.pages) == (0, 1)
    with pytest.raises(AccessDenied):
        await history.deal_history(session, customer, 1, 0)
    with pytest.raises(AccessDenied):
        await history.deal_history(session, manager, 1, 0)  # handed over to the owner
    assert (await session.get_one(User, owner.user_id)).role == "owner"
