"""/deals pages and filters, /find, and opening a card from a row."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import EditMessageReplyMarkup, SendMessage
from sqlalchemy import select

from services.db.deals import ChatMessage
from tests.support.calls import answer_of, buttons, without_answers
from tests.support.deals import ANNA, BAKO, CARD, LEYLA, OLGA, make_manager, new_deal
from tests.support.harness import Harness, person

NAMES = ["Leyla", "Rauf", "Nigar", "Orxan", "Aysel", "Kamran", "Lala", "Murad", "Sevda", "Tural"]


async def ten_deals(tg: Harness) -> None:
    """Deal n belongs to customer NAMES[n-1] and was last active n minutes after the start."""
    for index, name in enumerate(NAMES, start=1):
        await new_deal(tg, person(100 + index, name), f"request {index}")
        tg.app.clock.advance(timedelta(minutes=1))  # type: ignore[attr-defined]


async def test_deals_pages_newest_activity_first(tg: Harness) -> None:
    await ten_deals(tg)
    [first] = await tg.send(ANNA, "/deals")
    lines = first.text.splitlines()
    assert lines[:2] == ["<b>Your open requests: 10</b>", "Page 1 of 2"]
    assert lines[2] == "#10 · Tural · New · 1 minute ago"
    assert len(lines) == 10
    assert buttons(first) == [
        [("#10 · Tural", "do:10"), ("#9 · Sevda", "do:9")],
        [("#8 · Murad", "do:8"), ("#7 · Lala", "do:7")],
        [("#6 · Kamran", "do:6"), ("#5 · Aysel", "do:5")],
        [("#4 · Orxan", "do:4"), ("#3 · Nigar", "do:3")],
        [("›", "dq:p:1:0:0")],
        [("📍 All stages", "dq:s:0:0:0"), ("💤 No activity 3+ days", "dq:p:0:0:1")],
    ]
    [second] = without_answers(await tg.press(ANNA, "dq:p:1:0:0", message_id=CARD))
    assert second.text.splitlines()[1:] == [
        "Page 2 of 2",
        "#2 · Rauf · New · 9 minutes ago",
        "#1 · Leyla · New · 10 minutes ago",
    ]
    assert buttons(second)[1] == [("‹", "dq:p:0:0:0")]


async def test_deals_filter_by_stage_and_by_idleness(tg: Harness) -> None:
    await ten_deals(tg)
    tg.app.clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]
    await tg.press(ANNA, "dk:g:3:1:3", message_id=CARD)
    calls = await tg.press(ANNA, "dq:s:0:0:0")
    [markup] = without_answers(calls)
    assert isinstance(markup, EditMessageReplyMarkup)
    assert buttons(markup) == [
        [("✓ All stages", "dq:p:0:0:0")],
        [("New", "dq:p:0:1:0")],
        [("Contacted", "dq:p:0:2:0")],
        [("Proposal", "dq:p:0:3:0")],
        [("Invoice sent", "dq:p:0:4:0")],
    ]
    [proposal] = without_answers(await tg.press(ANNA, "dq:p:0:3:0"))
    assert proposal.text.splitlines() == [
        "<b>Your open requests: 1</b>",
        "Stage: Proposal",
        "#3 · Nigar · Proposal · just now",
    ]
    assert buttons(proposal)[-1][0] == ("📍 Proposal", "dq:s:0:3:0")

    tg.app.clock.advance(timedelta(days=3, minutes=-30))  # type: ignore[attr-defined]
    [idle] = without_answers(await tg.press(ANNA, "dq:p:0:0:1"))
    lines = idle.text.splitlines()
    assert lines[:3] == [
        "<b>Your open requests: 9</b>",
        "Page 1 of 2",
        "Only requests with no activity for 3 days or more",
    ]
    assert "#3 · " not in idle.text
    assert buttons(idle)[-1][1] == ("✓ 💤 No activity 3+ days", "dq:p:0:0:0")
    [none] = without_answers(await tg.press(ANNA, "dq:p:0:3:1"))
    assert none.text.splitlines()[-1] == "Nothing here."


async def test_owner_sees_everyone_and_managers_only_their_own(tg: Harness) -> None:
    await new_deal(tg)
    await make_manager(tg, BAKO.id, "Bako")
    await tg.send(person(101, "Rauf"), "hello")
    await tg.send(OLGA, "/start")
    [owner_list] = await tg.send(OLGA, "/deals")
    assert owner_list.text.splitlines() == [
        "<b>Open requests: 2</b>",
        "#2 · Rauf · New · Bako · just now",
        "#1 · Leyla · New · Anna · just now",
    ]
    [bako_list] = await tg.send(BAKO, "/deals")
    assert bako_list.text.splitlines()[1:] == ["#2 · Rauf · New · just now"]
    [refused] = await tg.send(person(101, "Rauf"), "/deals")
    assert refused.text == "Sorry, you can't do that."
    missing = await tg.press(ANNA, "dq:p:0:99:0")
    assert answer_of(missing).text == "Not found: it may have been removed."


async def test_find_by_number_name_or_phone_fragment(tg: Harness) -> None:
    await new_deal(tg)
    await tg.send(person(101, "Лейла", "ru"), "/new")
    await tg.send(person(101, "Лейла", "ru"), "Стулья")
    await tg.send(person(101, "Лейла", "ru"), "050 765 43 21")
    await tg.deliver()
    await make_manager(tg, BAKO.id, "Bako")
    await tg.send(person(102, "Leyli"), "hi")

    [by_name] = await tg.send(ANNA, "/find LEY")
    assert by_name.text.splitlines() == [
        "<b>Found for “LEY”:</b>",
        "#1 · Leyla · New · just now",
    ]
    assert buttons(by_name) == [[("#1 · Leyla", "do:1")]]
    [cyrillic] = await tg.send(ANNA, "/find лейла")
    assert cyrillic.text.splitlines()[1] == "#2 · Лейла · +994 50 765 43 21 · New · just now"
    [by_phone] = await tg.send(ANNA, "/find 050 765")
    assert by_phone.text.splitlines()[1].startswith("#2 · Лейла")
    [by_number] = await tg.send(ANNA, "/find #2")
    assert by_number.text.splitlines()[1].startswith("#2 · Лейла")
    [owner_finds] = await tg.send(OLGA, "/find ley")
    assert [line[:3] for line in owner_finds.text.splitlines()[1:]] == ["#3 ", "#1 "]
    [not_hers] = await tg.send(ANNA, "/find 3")
    assert not_hers.text == "Nothing found for “3”."
    [usage] = await tg.send(ANNA, "/find")
    assert usage.text.startswith("Send /find with a request number")


async def test_a_card_opened_from_a_list_works_like_a_delivered_one(tg: Harness) -> None:
    await new_deal(tg)
    calls = await tg.press(ANNA, "do:1")
    [card] = without_answers(calls)
    assert isinstance(card, SendMessage)
    assert card.text.splitlines()[0] == "<b>Request #1</b>"
    assert buttons(card)[0] == [("✅ Take", "d:t:1"), ("↩️ Reply", "d:r:1")]
    async with tg.app.sessions() as session:
        shown = list(
            await session.scalars(select(ChatMessage).where(ChatMessage.chat_id == ANNA.id))
        )
    opened = shown[-1].message_id
    [sent] = await tg.send(ANNA, "We have them", reply_to=opened)
    assert sent.text == "Sent to the customer of request #1."
    [relayed] = await tg.deliver()
    assert relayed.chat_id == LEYLA.id
    assert relayed.text.endswith("\nWe have them")
