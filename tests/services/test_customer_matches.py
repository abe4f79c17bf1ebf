"""The other customer a card's request may be, by kind: the same phone (own or given with a
request), the same e-mail, or, for a request from outside Telegram, the number or e-mail on the
record of a customer known in Telegram; a record merged away matches nothing."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services import merge, views
from services.access import actor_of
from services.clock import ManualClock
from services.content import Content
from services.customer_matches import MatchKind
from services.customers import save_phone
from services.db.customers import Customer
from services.db.deals import Deal
from services.intake import submit_request
from tests.support.seed import add_user, deal_for

NUMBER = "+994501234567"


async def seen(session: AsyncSession, *deal_ids: int) -> dict[int, tuple[object, ...] | None]:
    cards = await views.deal_cards(session, deal_ids)
    return {
        deal_id: (m.kind, m.by, m.customer_id, m.deal_id) if (m := card.match) else None
        for deal_id, card in cards.items()
    }


async def test_each_kind_of_match(session: AsyncSession, clock: ManualClock) -> None:
    vusal = await add_user(session, 101, "customer", clock)
    leyla = await add_user(session, 100, "customer", clock)
    # 1: Vusal, in Telegram, shares his own number; his record has an e-mail too.
    await submit_request(session, actor_of(vusal, "en"), Content("a wardrobe"), None, clock.now())
    await save_phone(session, vusal.id, NUMBER, clock.now())
    first = await deal_for(session, None, clock, customer_id=1)
    assert first.id == 2
    # 3: a web lead with his number; 4: one with his e-mail, 5: with someone else's e-mail.
    await deal_for(session, None, clock, name="V.", phone=None, source="web")
    await deal_for(session, None, clock, name="V. M.", phone=None, email="v@x.az", source="web")
    await deal_for(session, None, clock, name="Rauf", phone=None, email="r@x.az", source="web")
    await deal_for(session, None, clock, name="R.", phone=None, email="r@x.az", source="web")
    # 7: Leyla, in Telegram, types Vusal's number.
    await submit_request(session, actor_of(leyla, "en"), Content("a sofa"), NUMBER, clock.now())
    # The lead's number came with its request; Vusal's record has the e-mail from a merge.
    (await session.get_one(Deal, 3)).phone = NUMBER
    (await session.get_one(Customer, 1)).email = "v@x.az"
    await session.commit()
    # Customers: 1 Vusal, 2 V., 3 V. M., 4 Rauf, 5 R., 6 Leyla; of several, the latest writer.
    assert await seen(session, 1, 3, 4, 5, 6, 7) == {
        1: (MatchKind.PHONE, MatchKind.PHONE, 6, 7),
        3: (MatchKind.TELEGRAM, MatchKind.PHONE, 1, 2),
        4: (MatchKind.TELEGRAM, MatchKind.EMAIL, 1, 2),
        5: (MatchKind.EMAIL, MatchKind.EMAIL, 5, 6),
        6: (MatchKind.EMAIL, MatchKind.EMAIL, 4, 5),
        # Between two Telegram accounts a number is only a number.
        7: (MatchKind.PHONE, MatchKind.PHONE, 2, 3),
    }


async def test_a_record_merged_away_matches_nothing(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = actor_of(await add_user(session, 1, "owner", clock), "en")
    await deal_for(session, None, clock, name="Rauf", phone=None, email="r@x.az", source="web")
    await deal_for(session, None, clock, name="R.", phone=None, email="r@x.az", source="web")
    await deal_for(session, None, clock, name="Other", phone=None, email="o@x.az", source="web")
    assert await seen(session, 1, 2, 3) == {
        1: (MatchKind.EMAIL, MatchKind.EMAIL, 2, 2),
        2: (MatchKind.EMAIL, MatchKind.EMAIL, 1, 1),
        3: None,
    }
    await merge.merge(session, owner, 2, 1, 1, clock.now())
    assert await seen(session, 1, 2, 3) == {1: None, 2: None, 3: None}
