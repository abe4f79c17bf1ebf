"""A phone number proves nothing: typing someone's number, or sharing their contact, gives the
sender nothing of theirs. Only a contact of the sender's own account is the sender's number."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from services.db.customers import Customer
from services.db.deals import Deal, Event
from services.db.users import User
from tests.support.calls import sent_to
from tests.support.deals import make_manager
from tests.support.harness import Harness, person
from tests.support.seed import deal_for

LEYLA = person(100, "Leyla")
VUSAL = person(101, "Vusal")
ANNA = person(200, "Anna")
NUMBER = "+994501234567"
SHOWN = "📞 +994 50 123 45 67"


async def vusal_with_his_own_number(tg: Harness) -> None:
    """Request #1: Vusal's, with the contact of his own account; Anna has its card."""
    await make_manager(tg)
    await tg.send(VUSAL, "/new")
    await tg.send(VUSAL, "Need a wardrobe")
    assert await tg.share(VUSAL, "994501234567", VUSAL.id) == []
    [confirm] = sent_to(await tg.deliver(), VUSAL.id)
    assert confirm.text == "Request #1 received — Anna will contact you."


async def leyla_gives(tg: Harness, **given: Any) -> Any:
    """Request #2: Leyla's, given Vusal's number (typed, or as a contact); Anna's card of it."""
    await tg.send(LEYLA, "/new")
    await tg.send(LEYLA, "Need a table")
    if "typed" in given:
        assert await tg.send(LEYLA, given["typed"]) == []
    else:
        assert await tg.share(LEYLA, "994501234567", given["owner"]) == []
    delivered = await tg.deliver()
    [confirm] = sent_to(delivered, LEYLA.id)
    assert confirm.text == "Request #2 received — Anna will contact you."
    [card] = sent_to(delivered, ANNA.id)
    return card


async def records(tg: Harness) -> dict[str, Any]:
    async with tg.app.sessions() as session:
        rows = await session.execute(
            select(User.first_name, Customer.phone, Customer.id)
            .join(Customer, Customer.user_id == User.id)
            .order_by(Customer.id)
        )
        owners = {
            deal.id: deal.customer_id
            for deal in await session.scalars(select(Deal).order_by(Deal.id))
        }
        phones = {deal.id: deal.phone for deal in await session.scalars(select(Deal))}
    return {"customers": [tuple(r) for r in rows.all()], "deals": owners, "phones": phones}


async def test_a_typed_number_of_another_customer_takes_nothing_of_theirs(tg: Harness) -> None:
    await vusal_with_his_own_number(tg)
    card = await leyla_gives(tg, typed="050 123 45 67")
    assert await records(tg) == {
        "customers": [("Vusal", NUMBER, 1), ("Leyla", None, 2)],
        "deals": {1: 1, 2: 2},
        "phones": {1: NUMBER, 2: NUMBER},
    }
    assert card.text.splitlines()[2:5] == [
        "👤 Leyla",
        SHOWN,
        "⚠️ Same phone as Vusal, request #1",
    ]
    [mine] = await tg.send(LEYLA, "/requests")
    [his] = await tg.send(VUSAL, "/requests")
    assert [line.split(" · ")[0] for line in mine.text.splitlines()[1:]] == ["#2"]
    assert [line.split(" · ")[0] for line in his.text.splitlines()[1:]] == ["#1"]


async def test_the_managers_replies_reach_whoever_wrote_each_request(tg: Harness) -> None:
    await vusal_with_his_own_number(tg)
    await leyla_gives(tg, typed="+994 50 123 45 67")
    for deal_id in (1, 2):
        await tg.press(ANNA, f"d:r:{deal_id}")
        await tg.send(ANNA, f"About request {deal_id}")
    relayed = await tg.deliver()
    # Chats are sent to side by side: only the order within a chat is kept.
    assert sorted((c.chat_id, c.text.splitlines()[-1]) for c in relayed) == [
        (LEYLA.id, "About request 2"),
        (VUSAL.id, "About request 1"),
    ]
    # And what Vusal writes next still goes to his own request.
    assert await tg.send(VUSAL, "Any news?") == []
    [to_anna] = await tg.deliver()
    assert to_anna.text.splitlines()[0] == "💬 <b>#1 · Vusal</b>"


@pytest.mark.parametrize("owner", [VUSAL.id, None, 999], ids=["his", "no account", "another"])
async def test_a_contact_of_someone_else_is_only_the_requests_number(
    tg: Harness, owner: int | None
) -> None:
    await vusal_with_his_own_number(tg)
    card = await leyla_gives(tg, owner=owner)
    assert card.text.splitlines()[2:5] == [
        "👤 Leyla",
        SHOWN,
        "⚠️ Same phone as Vusal, request #1",
    ]
    assert await records(tg) == {
        "customers": [("Vusal", NUMBER, 1), ("Leyla", None, 2)],
        "deals": {1: 1, 2: 2},
        "phones": {1: NUMBER, 2: NUMBER},
    }


async def test_an_own_contact_joins_what_a_call_left_under_that_number(tg: Harness) -> None:
    await make_manager(tg)
    async with tg.app.sessions() as session:
        await deal_for(session, None, tg.clock, name="", phone=NUMBER)
    await tg.send(LEYLA, "/new")
    await tg.send(LEYLA, "Call me back about the sofa")
    assert await tg.share(LEYLA, "994501234567", LEYLA.id) == []
    delivered = await tg.deliver()
    [confirm] = sent_to(delivered, LEYLA.id)
    assert confirm.text == "Request #2 received — Anna will contact you."
    state = await records(tg)
    assert state["customers"] == [("Leyla", NUMBER, 2)]
    assert state["deals"] == {1: 2, 2: 2}
    assert state["phones"] == {1: None, 2: NUMBER}
    [card] = sent_to(delivered, ANNA.id)
    assert not any(line.startswith("⚠️") for line in card.text.splitlines())
    async with tg.app.sessions() as session:
        merged = await session.scalar(select(Event).where(Event.kind == "merged"))
        leyla = await session.scalar(select(User.id).where(User.tg_id == LEYLA.id))
    assert merged is not None
    assert (merged.deal_id, merged.actor_id, merged.from_value, merged.to_value) == (
        1,
        leyla,
        NUMBER,
        "Leyla",
    )


async def test_a_contact_shared_outside_a_request_is_saved_only_when_it_is_ones_own(
    tg: Harness,
) -> None:
    await vusal_with_his_own_number(tg)
    not_saved = (
        "This number was not saved as yours. To be called on it, send a new request (/new) "
        "and give the number there."
    )
    for owner in (VUSAL.id, None):
        [answer] = await tg.share(LEYLA, "994501234567", owner)
        assert answer.text == not_saved
    # Her own account, but a number Telegram gave to Vusal's account before: not hers here.
    [answer] = await tg.share(LEYLA, "994501234567", LEYLA.id)
    assert answer.text == not_saved
    assert (await records(tg))["customers"] == [("Vusal", NUMBER, 1)]
    [answer] = await tg.share(LEYLA, "994507654321", LEYLA.id)
    assert answer.text == "Thanks, we saved your number."
    assert (await records(tg))["customers"] == [
        ("Vusal", NUMBER, 1),
        ("Leyla", "+994507654321", 2),
    ]


async def test_the_phone_question_is_skipped_for_a_number_the_customer_gave_before(
    tg: Harness,
) -> None:
    await make_manager(tg)
    await tg.send(LEYLA, "/new")
    await tg.send(LEYLA, "Need chairs")
    await tg.send(LEYLA, "Skip")
    await tg.send(LEYLA, "/new")
    [asked] = await tg.send(LEYLA, "Need a lamp")
    assert asked.text.startswith("Thanks! What phone number")
    await tg.send(LEYLA, "050 765 43 21")
    await tg.deliver()
    await tg.send(LEYLA, "/new")
    assert await tg.send(LEYLA, "Need a rug") == []  # asked no number
    [confirm] = sent_to(await tg.deliver(), LEYLA.id)
    assert confirm.text == "Request #3 received — Anna will contact you."
    await tg.share(LEYLA, "994501234567", LEYLA.id)
    await tg.send(LEYLA, "/new")
    assert await tg.send(LEYLA, "Need a shelf") == []
    [confirm] = sent_to(await tg.deliver(), LEYLA.id)
    assert confirm.text == "Request #4 received — Anna will contact you."
    assert (await records(tg))["phones"] == {
        1: None,
        2: "+994507654321",
        3: "+994507654321",
        4: NUMBER,
    }
