"""/customers page by page with its filters, /customer finding several, and who may ask."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import EditMessageReplyMarkup, SendMessage

from tests.support.calls import answer_of, buttons, without_answers
from tests.support.deals import ANNA, BAKO, CARD, LEYLA, OLGA, make_manager, new_deal
from tests.support.harness import Harness, person

NAMES = ["Leyla", "Rauf", "Nigar", "Orxan", "Aysel", "Kamran", "Lala", "Murad", "Sevda", "Tural"]
FILTERS = [
    [("🏷 All tags", "cx:t:0:0:0:0:"), ("📥 All sources", "cx:s:0:0:0:0:")],
    [("🕒 Any activity", "cx:a:0:0:0:0:")],
]
HINT = "To search, send /customers with a part of a name or phone."


async def ten_customers(tg: Harness) -> None:
    """Customer n (NAMES[n-1]) wrote request n, n minutes after the start."""
    for index, name in enumerate(NAMES, start=1):
        await new_deal(tg, person(100 + index, name), f"request {index}")
        tg.clock.advance(timedelta(minutes=1))


async def test_customers_in_pages_most_recently_active_first(tg: Harness) -> None:
    await ten_customers(tg)
    [first] = await tg.send(OLGA, "/customers")
    lines = first.text.splitlines()
    assert lines[:3] == [
        "<b>Customers: 10</b>",
        "Page 1 of 2",
        "Tural · 1 request · 1 minute ago",
    ]
    assert lines[-1] == HINT
    assert buttons(first) == [
        [("👤 Tural", "cu:o:10:0:0"), ("👤 Sevda", "cu:o:9:0:0")],
        [("👤 Murad", "cu:o:8:0:0"), ("👤 Lala", "cu:o:7:0:0")],
        [("👤 Kamran", "cu:o:6:0:0"), ("👤 Aysel", "cu:o:5:0:0")],
        [("👤 Orxan", "cu:o:4:0:0"), ("👤 Nigar", "cu:o:3:0:0")],
        [("›", "cx:p:1:0:0:0:")],
        *FILTERS,
    ]
    [second] = without_answers(await tg.press(OLGA, "cx:p:1:0:0:0:", message_id=CARD))
    assert second.text.splitlines()[1:4] == [
        "Page 2 of 2",
        "Rauf · 1 request · 9 minutes ago",
        "Leyla · 1 request · 10 minutes ago",
    ]
    assert buttons(second)[1] == [("‹", "cx:p:0:0:0:0:")]
    calls = await tg.press(OLGA, "cu:o:2:0:0", message_id=CARD)
    [card] = without_answers(calls)
    assert isinstance(card, SendMessage)
    assert card.text.startswith("<b>👤 Rauf</b>")


async def test_filters_by_tag_source_and_activity(tg: Harness) -> None:
    await ten_customers(tg)
    await tg.send(OLGA, "/customer Nigar")
    await tg.press(OLGA, "cu:n:3:1:0", message_id=CARD)
    await tg.send(OLGA, "vip")
    [tags] = without_answers(await tg.press(OLGA, "cx:t:0:0:0:0:"))
    assert isinstance(tags, EditMessageReplyMarkup)
    assert buttons(tags) == [[("✓ All tags", "cx:p:0:0:0:0:")], [("vip", "cx:p:0:1:0:0:")]]
    [vip] = without_answers(await tg.press(OLGA, "cx:p:0:1:0:0:"))
    assert vip.text.splitlines()[:3] == [
        "<b>Customers: 1</b>",
        "Tag: vip",
        "Nigar · 1 request · 8 minutes ago",
    ]
    assert buttons(vip)[-2][0] == ("🏷 vip", "cx:t:0:1:0:0:")
    [sources] = without_answers(await tg.press(OLGA, "cx:s:0:1:0:0:"))
    assert buttons(sources) == [
        [("✓ All sources", "cx:p:0:1:0:0:")],
        [("Telegram", "cx:p:0:1:1:0:")],
        [("website", "cx:p:0:1:2:0:")],
        [("phone call", "cx:p:0:1:3:0:")],
        [("entered by hand", "cx:p:0:1:4:0:")],
    ]
    [none] = without_answers(await tg.press(OLGA, "cx:p:0:1:3:0:"))
    assert none.text.splitlines()[:4] == [
        "<b>Customers: 0</b>",
        "Tag: vip",
        "Source: phone call",
        "Nothing here.",
    ]
    tg.clock.advance(timedelta(days=31))
    await tg.send(LEYLA, "one more thing")
    [activity] = without_answers(await tg.press(OLGA, "cx:a:0:0:0:0:"))
    assert buttons(activity) == [
        [("✓ Any activity", "cx:p:0:0:0:0:")],
        [("Active within 7 days", "cx:p:0:0:0:1:")],
        [("Active within 30 days", "cx:p:0:0:0:2:")],
        [("No activity for 30+ days", "cx:p:0:0:0:3:")],
    ]
    [recent] = without_answers(await tg.press(OLGA, "cx:p:0:0:0:1:"))
    assert recent.text.splitlines()[:3] == [
        "<b>Customers: 1</b>",
        "Active within 7 days",
        "Leyla · 1 request · just now",
    ]
    [idle] = without_answers(await tg.press(OLGA, "cx:p:0:0:0:3:"))
    assert idle.text.splitlines()[:2] == ["<b>Customers: 10</b>", "No activity for 30+ days"]


async def test_search_in_the_list_and_several_found(tg: Harness) -> None:
    await ten_customers(tg)
    [searched] = await tg.send(OLGA, "/customers  la:la ")
    assert searched.text.splitlines() == [
        "<b>Customers: 0</b>",
        "Search: “la la”",
        "Nothing here.",
    ]
    [percent] = await tg.send(OLGA, "/customers 5%")
    assert percent.text.splitlines()[:3] == [
        "<b>Customers: 0</b>",
        "Search: “5%”",
        "Nothing here.",
    ]
    [found] = await tg.send(OLGA, "/customers LA")
    assert found.text.splitlines() == [
        "<b>Customers: 2</b>",
        "Search: “LA”",
        "Lala · 1 request · 4 minutes ago",
        "Leyla · 1 request · 10 minutes ago",
    ]
    assert buttons(found)[-2] == [
        ("🏷 All tags", "cx:t:0:0:0:0:LA"),
        ("📥 All sources", "cx:s:0:0:0:0:LA"),
    ]
    [several] = await tg.send(ANNA, "/customer la")
    assert several.text.splitlines() == [
        "<b>Customers found for “la”:</b>",
        "Lala · 1 request · 4 minutes ago",
        "Leyla · 1 request · 10 minutes ago",
    ]
    assert buttons(several) == [[("👤 Lala", "cu:o:7:0:0"), ("👤 Leyla", "cu:o:1:0:0")]]
    [nobody] = await tg.send(ANNA, "/customer Zaur")
    assert nobody.text == "No customers found for “Zaur”."
    [how] = await tg.send(ANNA, "/customer")
    assert how.text == (
        "Send /customer with a part of a name or phone number, or a request number, "
        "like /customer Leyla or /customer 12."
    )


async def test_who_may_see_and_change_a_customer(tg: Harness) -> None:
    await new_deal(tg)
    await make_manager(tg, BAKO.id, "Bako")
    [hidden] = await tg.send(BAKO, "/customer ley")
    assert hidden.text == "No customers found for “ley”."
    [empty] = await tg.send(BAKO, "/customers")
    assert empty.text.splitlines()[:2] == ["<b>Customers: 0</b>", "Nothing here."]
    for data in ("cu:o:1:0:0", "cu:q:1:0:0", "cu:e:1:1:2", "cu:g:1:1:1", "cu:x:1:1:1"):
        calls = await tg.press(BAKO, data)
        assert answer_of(calls).text == "Sorry, you can't do that.", data
        assert without_answers(calls) == []
    [refused] = await tg.send(person(300, "Zaur"), "/customers")
    assert refused.text == "Sorry, you can't do that."
    for data in ("cu:o:99:0:0", "cu:q:99:0:0", "cx:p:0:7:0:0:", "cx:p:0:0:9:0:", "cx:a:0:0:0:9:"):
        calls = await tg.press(OLGA, data)
        assert answer_of(calls).text == "Not found: it may have been removed.", data
    calls = await tg.press(ANNA, "cu:d:1:1:5")
    assert answer_of(calls).text == "Not found: it may have been removed."
    calls = await tg.press(ANNA, "cu:e:1:1:9")
    assert answer_of(calls).text == "Not found: it may have been removed."
