"""Quick replies kept: what is refused when saved, how many, and which are offered to whom."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import quick_replies
from services.clock import ManualClock
from services.db.customers import Customer
from services.db.deals import Event, Message
from services.errors import AccessDenied, InvalidInput, PlaceholdersUnknown
from tests.support.seed import actor, deal_for, person


async def test_what_is_refused_when_saved(session: AsyncSession, clock: ManualClock) -> None:
    anna = await person(session, 200, "manager", clock, "Anna")
    me = actor(anna)
    now = clock.now()
    refusals = {
        ("", "Hi"): "reply_title",
        ("x" * 33, "Hi"): "reply_title",
        ("Hi", "   "): "reply_text",
        ("Hi", "x" * 1001): "reply_text",
        ("Hi", "Hi"): "language",
    }
    for (title, text), code in refusals.items():
        language = "de" if code == "language" else "en"
        with pytest.raises(InvalidInput) as refused:
            await quick_replies.add(session, me, False, language, title, text, now)
        assert refused.value.code == code
    with pytest.raises(PlaceholdersUnknown) as unknown:
        await quick_replies.add(session, me, False, "en", "Hi", "{x} {name} {x} {}", now)
    assert unknown.value.names == ["x", ""]
    with pytest.raises(AccessDenied):
        await quick_replies.add(session, me, True, "en", "Hi", "Hi", now)
    saved = await quick_replies.add(session, me, False, "en", " Good   day ", " Hi {name}\n", now)
    assert (saved.title, saved.text, saved.team) == ("Good day", "Hi {name}", False)
    events = await session.execute(select(Event.kind, Event.actor_id, Event.to_value))
    assert events.all() == [("quick_reply_added", anna.id, str(saved.reply_id))]


async def test_twenty_a_language_each_and_offered_in_the_customer_s(
    session: AsyncSession, clock: ManualClock
) -> None:
    olga = await person(session, 1, "owner", clock, "Olga")
    anna = await person(session, 200, "manager", clock, "Anna")
    now = clock.now()
    for n in range(20):
        await quick_replies.add(session, actor(anna), False, "en", f"Mine {n:02}", "Hi", now)
    with pytest.raises(InvalidInput) as full:
        await quick_replies.add(session, actor(anna), False, "en", "One more", "Hi", now)
    assert full.value.code == "replies_full"
    # The team's and another language are counted apart.
    await quick_replies.add(session, actor(olga), True, "en", "Team", "Hi", now)
    await quick_replies.add(session, actor(anna), False, "az", "Salam", "Salam", now)
    deal = await deal_for(session, anna, clock)  # the customer has no Telegram account
    offered = await quick_replies.offered(session, actor(anna), deal.id, "en")
    assert [r.title for r in offered] == ["Team", *(f"Mine {n:02}" for n in range(20))]
    assert [r.title for r in await quick_replies.offered(session, actor(anna), deal.id, "az")] == [
        "Salam"
    ]
    assert [r.title for r in await quick_replies.offered(session, actor(olga), deal.id, "en")] == [
        "Team"
    ]


async def test_only_the_three_placeholders_are_taken_and_filled_as_written(
    session: AsyncSession, clock: ManualClock
) -> None:
    """Nothing in braces is evaluated: attributes, indexes, conversions and positions are
    refused when saved, and doubled braces stay as they are around the filled value."""
    olga = await person(session, 1, "owner", clock, "Olga")
    now = clock.now()
    for text in ("{name.__class__}", "{0}", "{name!r}", "{name:>40}", "{amount[0]}"):
        with pytest.raises(PlaceholdersUnknown) as unknown:
            await quick_replies.add(session, actor(olga), True, "en", "Hi", text, now)
        assert unknown.value.names == [text[1:-1]]
    customer_user = await person(session, 300, "customer", clock, "Leyla")
    deal = await deal_for(session, olga, clock, name="<Leyla> & {number}")
    (await session.get_one(Customer, deal.customer_id)).user_id = customer_user.id
    await session.commit()
    text = "{{name}} <b>{number}</b>"
    odd = await quick_replies.add(session, actor(olga), True, "en", "Odd", text, now)
    await quick_replies.send(session, actor(olga), deal.id, odd.reply_id, "AZN", "en", now)
    said = await session.scalars(select(Message.text).where(Message.direction == "out"))
    assert said.all() == [f"{{<Leyla> & {{number}}}} <b>{deal.id}</b>"]
