"""/sources: the owner adds and removes their own sources of requests; /new offers them, and
reports and the export count requests entered by hand by their source."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select, update

from services.db.deals import Deal, LeadSource
from tests.support.calls import answer_of, buttons, without_answers
from tests.support.deals import ANNA, LEYLA, OLGA, make_manager
from tests.support.harness import Harness, person
from tests.support.leads import pick
from tests.support.reports_seed import week

LIST = """<b>Sources of requests</b> (offered when a request is entered by hand)
• walk-in
• phone call
• Instagram
• WhatsApp
• e-mail
• recommendation"""


async def _names(tg: Harness) -> list[str]:
    async with tg.app.sessions() as session:
        return list(await session.scalars(select(LeadSource.name).order_by(LeadSource.id)))


async def test_the_owner_adds_a_source_and_new_offers_it(tg: Harness) -> None:
    [shown] = await tg.send(OLGA, "/sources")
    assert shown.text == LIST
    assert buttons(shown) == [[("➕ Add a source", "ls:a:0")]]
    calls = await tg.press(OLGA, "ls:a:0")
    [asked] = without_answers(calls)
    assert asked.text == "Send the name of the new source, like Exhibition. /cancel to stop."
    [listed] = await tg.send(OLGA, "  Baku   <Expo> ")
    assert listed.text == LIST + "\n• Baku &lt;Expo&gt;"
    assert buttons(listed) == [
        [("✖️ Remove Baku <Expo>", "ls:x:1")],
        [("➕ Add a source", "ls:a:0")],
    ]
    assert await _names(tg) == ["Baku <Expo>"]

    await make_manager(tg)
    await tg.send(ANNA, "/new")
    await tg.send(ANNA, "Rauf")
    await tg.send(ANNA, "Skip")
    [offer] = await tg.send(ANNA, "Sofa")
    assert buttons(offer)[-1] == [("Baku <Expo>", pick(tg, ANNA, 6))]
    [card] = without_answers(await tg.press(ANNA, pick(tg, ANNA, 6)))
    assert "Source: entered by hand · Baku &lt;Expo&gt; · " in card.text
    async with tg.app.sessions() as session:
        assert (await session.get_one(Deal, 1)).source_detail == "Baku <Expo>"


async def test_a_bad_or_repeated_name_is_answered_and_may_be_typed_again(tg: Harness) -> None:
    await tg.send(OLGA, "/sources")
    await tg.press(OLGA, "ls:a:0")
    refusal = "Give the source a name of up to 64 characters that is not in the list yet."
    [told] = await tg.send(OLGA, photo="ph1")
    assert told.text == "Please send it as text, or /cancel."
    # Already offered, in another spelling or as the name the owner reads.
    for bad in ("instagram", "x" * 65, "Telegram", "   ", "Walk-in", "E-mail", "phone  call"):
        [refused] = await tg.send(OLGA, bad)
        assert refused.text == refusal
    await tg.send(OLGA, "Fair")
    await tg.press(OLGA, "ls:a:0")
    [refused] = await tg.send(OLGA, "FAIR")
    assert refused.text == refusal
    assert await _names(tg) == ["Fair"]


async def test_the_owner_removes_a_source_and_requests_keep_it(tg: Harness) -> None:
    await make_manager(tg)
    await tg.press(OLGA, "ls:a:0")
    await tg.send(OLGA, "Fair")
    await tg.send(ANNA, "/new")
    await tg.send(ANNA, "Rauf")
    await tg.send(ANNA, "Skip")
    await tg.send(ANNA, "Sofa")  # Fair is offered as nl:6
    calls = await tg.press(OLGA, "ls:x:1")
    assert answer_of(calls).text == "Removed. Requests entered with it keep it."
    [shown] = without_answers(calls)
    assert shown.text == LIST
    assert await _names(tg) == []
    # Offered before it was removed: the press is refused and nothing is made.
    calls = await tg.press(ANNA, pick(tg, ANNA, 6))
    assert answer_of(calls).text == "Not found: it may have been removed."
    async with tg.app.sessions() as session:
        assert await session.get(Deal, 1) is None
    calls = await tg.press(OLGA, "ls:x:1")
    assert answer_of(calls).text == "Not found: it may have been removed."


async def test_managers_and_customers_cannot_manage_sources(tg: Harness) -> None:
    await make_manager(tg)
    await tg.press(OLGA, "ls:a:0")
    await tg.send(OLGA, "Fair")
    for user, refusal in ((ANNA, "Sorry, you can't do that."), (LEYLA, None)):
        if refusal is not None:
            [refused] = await tg.send(user, "/sources")
            assert refused.text == refusal
        for data in ("ls:a:0", "ls:x:1"):
            calls = await tg.press(user, data)
            assert without_answers(calls) == []
            assert answer_of(calls).show_alert is True
    assert await _names(tg) == ["Fair"]


async def test_reports_and_the_export_count_requests_by_their_source(tg: Harness) -> None:
    async with tg.app.sessions() as session:
        await week(session)
        await session.execute(update(Deal).where(Deal.id == 6).values(source_detail="walk_in"))
        await session.execute(
            update(Deal).where(Deal.id == 4).values(source="manual", source_detail="Fair <1>")
        )
        await session.commit()
    [_, detail] = without_answers(await tg.press(OLGA, "rp:7"))
    new = detail.text.split("\n\n")[0].splitlines()
    assert new[1:] == [
        "• Telegram: 3 (±0)",
        "• website: 1 (±0)",
        "• phone call: 1 (+1)",
        # As staff are offered them: the built-in ones, then the owner's (Fair, removed since).
        "• walk-in: 1 (+1)",
        "• Fair &lt;1&gt;: 1 (+1)",
    ]
    [listed] = without_answers(await tg.press(OLGA, "rl:n:7:20260223"))
    assert "#6 · Feb 28, 2026, 12:00 · walk-in · Customer 6" in listed.text.splitlines()
    assert "· Fair &lt;1&gt; ·" in listed.text

    olga_ru = person(OLGA.id, "Olga", language="ru")
    await tg.send(olga_ru, "/start")
    [document] = without_answers(await tg.press(olga_ru, "rx:7:x"))
    rows = list(load_workbook(io.BytesIO(document.document.data)).worksheets[0].values)
    sources = {row[0]: row[2] for row in rows[1:]}
    assert (sources[6], sources[4], sources[3]) == (
        "пришёл лично",
        "Fair <1>",
        "телефонный звонок",
    )


async def test_a_remove_button_of_a_removed_source_removes_no_later_one(tg: Harness) -> None:
    await tg.press(OLGA, "ls:a:0")
    await tg.send(OLGA, "Fair")
    await tg.press(OLGA, "ls:x:1")
    await tg.press(OLGA, "ls:a:0")
    [listed] = await tg.send(OLGA, "Expo")
    assert buttons(listed)[0] == [("✖️ Remove Expo", "ls:x:2")]
    # Fair's button, pressed again under the older list.
    calls = await tg.press(OLGA, "ls:x:1")
    assert answer_of(calls).text == "Not found: it may have been removed."
    assert await _names(tg) == ["Expo"]
