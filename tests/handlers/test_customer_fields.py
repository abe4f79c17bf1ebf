"""The customer card's 🧾 Fields: the customer's manager or an owner fills in the owner's
customer fields; each change is in the customer's history; a press from another manager, a
forged one or one on an older card changes nothing."""

from __future__ import annotations

from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import User
from sqlalchemy import select

from services.db.customers import Customer
from services.db.deals import Event
from services.db.fields import FieldValue
from tests.support.calls import answer_of, buttons, without_answers
from tests.support.deals import ANNA, BAKO, CARD, OLGA, make_manager, new_deal
from tests.support.fields import add_field
from tests.support.harness import Harness

STALE = "This card was out of date, so nothing was changed. Here is the customer as they are now."
# Customer fields 1-6, then a request's field (7).
VIP, TIER, CITY, VISITS, CREDIT, NEXT_VISIT, ROUTE = range(1, 8)


async def define_fields(tg: Harness) -> None:
    await add_field(tg, 1, 4, ["VIP", None, None])
    await add_field(tg, 1, 5, ["Tier", None, None, "Gold / Qızıl / Золото\nSilver"])
    await add_field(tg, 1, 0, ["City", None, None])
    await add_field(tg, 1, 1, ["Visits", None, None])
    await add_field(tg, 1, 2, ["Credit", None, None])
    await add_field(tg, 1, 3, ["Next visit", None, None])
    await add_field(tg, 0, 0, ["Route", None, None])


async def values(tg: Harness) -> list[tuple[object, ...]]:
    async with tg.app.sessions() as session:
        rows = await session.execute(
            select(
                FieldValue.entity, FieldValue.object_id, FieldValue.field_id, FieldValue.value
            ).order_by(FieldValue.field_id)
        )
        return [tuple(row) for row in rows]


async def version(tg: Harness) -> int:
    async with tg.app.sessions() as session:
        return (await session.get_one(Customer, 1)).version


async def pressed(tg: Harness, user: User, data: str) -> EditMessageText:
    [shown] = without_answers(await tg.press(user, data, message_id=CARD))
    assert isinstance(shown, EditMessageText) and shown.message_id == CARD
    return shown


async def test_the_manager_and_an_owner_fill_each_kind_and_clear_one(tg: Harness) -> None:
    await define_fields(tg)
    await new_deal(tg)
    [card] = await tg.send(ANNA, "/customer leyla")
    assert buttons(card)[5:] == [[("🧾 Fields", "cw:l:1:1:0:0")], [("#1 · New", "do:1")]]
    listed = await pressed(tg, ANNA, "cw:l:1:1:0:0")
    assert listed.text.splitlines() == [
        "<b>Fields of Leyla</b>",
        "VIP: —",
        "Tier: —",
        "City: —",
        "Visits: —",
        "Credit: —",
        "Next visit: —",
    ]
    assert buttons(listed) == [
        [("VIP", "cw:p:1:1:1:0")],
        [("Tier", "cw:p:1:1:2:0")],
        [("City", "cw:p:1:1:3:0")],
        [("Visits", "cw:p:1:1:4:0")],
        [("Credit", "cw:p:1:1:5:0")],
        [("Next visit", "cw:p:1:1:6:0")],
        [("« Back to the customer", "cu:c:1:1:0")],
    ]
    picker = await pressed(tg, ANNA, "cw:p:1:1:1:0")
    assert picker.text.splitlines() == ["<b>Leyla: VIP</b>", "Now: —", "Pick a value."]
    assert buttons(picker) == [
        [("yes", "cw:s:1:1:1:1"), ("no", "cw:s:1:1:1:0")],
        [("« Fields", "cw:l:1:1:0:0")],
    ]
    calls = await tg.press(ANNA, "cw:s:1:1:1:1", message_id=CARD)
    assert answer_of(calls).text == "🧾 VIP: yes"
    [card] = without_answers(calls)
    assert "🧾 VIP: yes" in card.text.splitlines()
    assert buttons(card)[5] == [("🧾 Fields", "cw:l:1:2:0:0")]
    picker = await pressed(tg, ANNA, "cw:p:1:2:2:0")
    assert buttons(picker) == [
        [("Gold", "cw:s:1:2:2:0")],
        [("Silver", "cw:s:1:2:2:1")],
        [("« Fields", "cw:l:1:2:0:0")],
    ]
    await pressed(tg, ANNA, "cw:s:1:2:2:1")
    picker = await pressed(tg, ANNA, "cw:p:1:3:3:0")
    assert picker.text.splitlines()[1:] == [
        "Now: —",
        "Send the new value, like a few words. /cancel to stop.",
    ]
    redrawn, said = await tg.send(ANNA, "Baku")
    assert isinstance(redrawn, EditMessageText) and redrawn.message_id == CARD
    assert said.text == "🧾 City: Baku"
    await pressed(tg, ANNA, "cw:p:1:4:4:0")
    [wrong] = await tg.send(ANNA, "twelve")
    assert isinstance(wrong, SendMessage) and wrong.text.startswith("That doesn't look like")
    assert await version(tg) == 4  # a bad value changes nothing
    await tg.send(ANNA, "12")
    # The owner sees every customer.
    await tg.send(OLGA, "/customer leyla")
    await pressed(tg, OLGA, "cw:p:1:5:5:0")
    await tg.send(OLGA, "1,500.50")
    await pressed(tg, OLGA, "cw:p:1:6:6:0")
    redrawn, said = await tg.send(OLGA, "31.12.2026")
    assert said.text == "🧾 Next visit: Dec 31, 2026"
    assert redrawn.text.splitlines()[2:8] == [
        "🧾 VIP: yes",
        "🧾 Tier: Silver",
        "🧾 City: Baku",
        "🧾 Visits: 12",
        "🧾 Credit: AZN1,500.50",
        "🧾 Next visit: Dec 31, 2026",
    ]
    picker = await pressed(tg, OLGA, "cw:p:1:7:3:0")
    assert picker.text.splitlines()[1] == "Now: Baku"
    assert buttons(picker) == [[("✖ Clear", "cw:x:1:7:3:0"), ("« Fields", "cw:l:1:7:0:0")]]
    calls = await tg.press(OLGA, "cw:x:1:7:3:0", message_id=CARD)
    assert answer_of(calls).text == "City cleared."
    [card] = without_answers(calls)
    assert "🧾 City: Baku" not in card.text.splitlines()
    assert await values(tg) == [
        ("customer", 1, VIP, "yes"),
        ("customer", 1, TIER, "silver"),
        ("customer", 1, VISITS, "12"),
        ("customer", 1, CREDIT, "1500.50"),
        ("customer", 1, NEXT_VISIT, "2026-12-31"),
    ]
    async with tg.app.sessions() as session:
        rows = await session.execute(
            select(Event.kind, Event.from_value, Event.to_value, Event.deal_id, Event.customer_id)
            .where(Event.kind.startswith("field:"))
            .order_by(Event.id)
        )
        assert [tuple(row) for row in rows] == [
            ("field:1", None, "yes", None, 1),
            ("field:2", None, "silver", None, 1),
            ("field:3", None, "Baku", None, 1),
            ("field:4", None, "12", None, 1),
            ("field:5", None, "1500.50", None, 1),
            ("field:6", None, "2026-12-31", None, 1),
            ("field:3", "Baku", None, None, 1),
        ]
    assert await version(tg) == 8


async def test_another_manager_and_forged_presses_change_nothing(tg: Harness) -> None:
    await define_fields(tg)
    await new_deal(tg)
    await make_manager(tg, BAKO.id, "Bako")
    for who, data, refusal in (
        (BAKO, "cw:l:1:1:0:0", "Sorry, you can't do that."),  # not Bako's customer
        (BAKO, "cw:s:1:1:1:1", "Sorry, you can't do that."),
        (BAKO, "cw:p:1:1:3:0", "Sorry, you can't do that."),
        (ANNA, "cw:s:9:1:1:1", "Not found: it may have been removed."),  # no such customer
        (ANNA, "cw:s:1:1:7:1", "Not found: it may have been removed."),  # a request's field
        (ANNA, "cw:p:1:1:7:0", "Not found: it may have been removed."),
        (ANNA, "cw:x:1:1:7:0", "Not found: it may have been removed."),
        (ANNA, "cw:s:1:1:2:2", "Choose one of the offered values."),  # two options only
        (ANNA, "cw:s:1:1:1:2", "Choose one of the offered values."),  # yes/no has no third
        (ANNA, "cw:s:1:1:3:1", "Choose one of the offered values."),  # text is typed
    ):
        calls = await tg.press(who, data, message_id=CARD)
        assert without_answers(calls) == [], data
        assert answer_of(calls).text == refusal, data
    assert await values(tg) == []
    assert await version(tg) == 1
    async with tg.app.sessions() as session:
        written = await session.scalars(select(Event).where(Event.kind.startswith("field:")))
        assert written.all() == []


async def test_a_press_or_a_value_typed_on_an_older_card_changes_nothing(tg: Harness) -> None:
    await define_fields(tg)
    await new_deal(tg)
    await pressed(tg, ANNA, "cw:p:1:1:3:0")  # Anna's picker for City waits for her words
    await tg.send(OLGA, "/customer leyla")
    await pressed(tg, OLGA, "cw:s:1:1:1:1")  # the owner sets VIP meanwhile: version 2
    card, said = await tg.send(ANNA, "Baku")
    assert said.text == STALE
    assert isinstance(card, EditMessageText) and card.message_id == CARD
    assert buttons(card)[5] == [("🧾 Fields", "cw:l:1:2:0:0")]
    calls = await tg.press(ANNA, "cw:s:1:1:2:0", message_id=CARD)
    assert answer_of(calls).text == STALE
    [card] = without_answers(calls)
    assert card.text.splitlines()[2] == "🧾 VIP: yes"
    calls = await tg.press(ANNA, "cw:l:1:1:0:0", message_id=CARD)
    assert answer_of(calls).text == STALE
    assert await values(tg) == [("customer", 1, VIP, "yes")]
    assert await version(tg) == 2


async def test_a_customer_field_filled_on_a_request_card_shows_on_the_customer_card(
    tg: Harness,
) -> None:
    await define_fields(tg)
    await new_deal(tg)
    await tg.press(ANNA, "fv:s:1:1:1", message_id=CARD)
    [card] = await tg.send(ANNA, "/customer leyla")
    assert "🧾 VIP: yes" in card.text.splitlines()
    listed = await pressed(tg, ANNA, "cw:l:1:1:0:0")
    assert listed.text.splitlines()[1] == "VIP: yes"
    async with tg.app.sessions() as session:
        event = (await session.scalars(select(Event).where(Event.kind == "field:1"))).one()
    assert (event.deal_id, event.customer_id, event.to_value) == (1, 1, "yes")


async def test_the_value_it_has_already_changes_nothing(tg: Harness) -> None:
    await define_fields(tg)
    await new_deal(tg)
    await tg.send(ANNA, "/customer leyla")
    await pressed(tg, ANNA, "cw:s:1:1:1:1")
    calls = await tg.press(ANNA, "cw:s:1:2:1:1", message_id=CARD)
    assert answer_of(calls).text == "🧾 VIP: yes"
    # The card's version stays, so the other screens of it open still work; no history line.
    assert await version(tg) == 2
    async with tg.app.sessions() as session:
        kinds = await session.scalars(select(Event.kind).where(Event.customer_id == 1))
        assert list(kinds) == ["field:1"]
    await pressed(tg, ANNA, "cw:x:1:2:1:0")
    assert await version(tg) == 3
    await pressed(tg, ANNA, "cw:x:1:3:1:0")
    assert await version(tg) == 3


async def test_many_long_values_still_fit_one_message(tg: Harness) -> None:
    names = [f"Field {n:02} ".ljust(64, "n") for n in range(30)]  # the longest a name may be
    for name in names:
        await add_field(tg, 1, 0, [name, None, None])
    await new_deal(tg)
    await tg.send(ANNA, "/customer leyla")
    for n in range(1, 31):
        await tg.press(ANNA, f"cw:p:1:{n}:{n}:0", message_id=CARD)
        await tg.send(ANNA, "x" * 500)
    value = "x" * 79 + "…"
    listed = await pressed(tg, ANNA, "cw:l:1:31:0:0")
    # Each value cut, as many lines as 3,800 characters hold, then how many more there are.
    lines = [f"{name}: {value}" for name in names[:25]]
    assert listed.text.splitlines()[1:] == [*lines, "🧾 … +5"]
    card = await pressed(tg, ANNA, "cu:c:1:31:0")
    shown = [line for line in card.text.splitlines() if line.startswith("🧾")]
    assert shown == [f"🧾 {name}: {value}" for name in names[:8]] + ["🧾 … +22"]
    assert buttons(listed)[-2] == [(names[29], "cw:p:1:31:30:0")]
