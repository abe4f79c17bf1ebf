"""↩️ Undo under a merge's message: within 24 hours the two customers are back as they were;
later, twice, or pressed by anyone but an owner, it is refused and nothing changes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiogram.methods import EditMessageText

from tests.support.calls import answer_of, buttons, without_answers
from tests.support.harness import Harness
from tests.support.merges import (
    ANNA,
    CARD,
    LEYLA,
    OLGA,
    REFUSED,
    a_call_then_leyla_types_its_number,
    owners_card,
    state,
)

TOLD = 701


async def merged(tg: Harness) -> dict[str, Any]:
    """Leyla's record joins the caller's; returns how both were before."""
    await a_call_then_leyla_types_its_number(tg)
    await owners_card(tg)
    before = await state(tg)
    await tg.press(OLGA, "dk:k:2:1:1", message_id=CARD)
    return before


async def test_undo_within_24_hours_gives_the_two_customers_back(tg: Harness) -> None:
    before = await merged(tg)
    tg.app.clock.advance(timedelta(hours=23))  # type: ignore[attr-defined]
    calls = await tg.press(OLGA, "mu:1", message_id=TOLD)
    assert answer_of(calls).text == "Undone: two customers again."
    [told] = without_answers(calls)
    assert isinstance(told, EditMessageText)
    assert (told.chat_id, told.message_id, told.reply_markup) == (OLGA.id, TOLD, None)
    assert told.text == (
        "↩️ Merge undone: <b>Leyla</b> and <b>+994 50 123 45 67</b> are two customers again.\n"
        "Request #2 is <b>Leyla</b>'s again."
    )
    after = await state(tg)
    assert after["customers"] == before["customers"]
    assert after["merged_away"] == []
    assert [d[:2] for d in after["deals"]] == [d[:2] for d in before["deals"]]
    card = await owners_card(tg)
    assert card.text.splitlines()[2:5] == [
        "👤 Leyla",
        "📞 +994 50 123 45 67",
        "⚠️ Same phone as +994 50 123 45 67, request #1",
    ]
    [history] = without_answers(await tg.press(OLGA, "dk:h:2:4:0", message_id=CARD))
    assert history.text.splitlines()[-3:] == [
        "Mar 2, 2026, 13:00 · Olga: customer Leyla merged into +994501234567",
        "Mar 2, 2026, 13:00 · Leyla: 💬 Need a sofa",
        "Mar 3, 2026, 12:00 · Olga: merge undone: customer Leyla split off from +994501234567",
    ]
    [mine] = await tg.send(LEYLA, "/requests")
    assert [line.split(" · ")[0] for line in mine.text.splitlines()[1:]] == ["#2"]


async def test_after_24_hours_the_undo_is_refused(tg: Harness) -> None:
    await merged(tg)
    joined = await state(tg)
    tg.app.clock.advance(timedelta(hours=24, minutes=1))  # type: ignore[attr-defined]
    calls = await tg.press(OLGA, "mu:1", message_id=TOLD)
    answer = answer_of(calls)
    assert (answer.text, answer.show_alert) == (
        "More than 24 hours have passed since this merge, so it can no longer be undone.",
        True,
    )
    assert without_answers(calls) == []
    assert await state(tg) == joined


async def test_only_an_owner_undoes_once_and_a_forged_merge_finds_nothing(tg: Harness) -> None:
    await merged(tg)
    joined = await state(tg)
    for who, data, said in (
        (ANNA, "mu:1", REFUSED),
        (LEYLA, "mu:1", REFUSED),
        (OLGA, "mu:9", "Not found: it may have been removed."),
    ):
        calls = await tg.press(who, data, message_id=TOLD)
        answer = answer_of(calls)
        assert (answer.text, answer.show_alert) == (said, True)
        assert without_answers(calls) == []
        assert await state(tg) == joined
    await tg.press(OLGA, "mu:1", message_id=TOLD)
    undone = await state(tg)
    calls = await tg.press(OLGA, "mu:1", message_id=TOLD)
    answer = answer_of(calls)
    assert (answer.text, answer.show_alert) == ("This merge has already been undone.", True)
    assert without_answers(calls) == []
    assert await state(tg) == undone


async def test_merges_lists_what_can_still_be_undone(tg: Harness) -> None:
    await merged(tg)
    [listed] = await tg.send(OLGA, "/merges")
    assert listed.text == (
        "<b>Merges you can still undo</b>\n"
        "1. <b>Leyla</b> merged into <b>+994 50 123 45 67</b>, undo until Mar 3, 2026, 13:00"
    )
    assert buttons(listed) == [[("↩️ Undo 1", "mu:1")]]
    [refused] = await tg.send(ANNA, "/merges")
    assert refused.text == REFUSED
    tg.app.clock.advance(timedelta(hours=24, minutes=1))  # type: ignore[attr-defined]
    [late] = await tg.send(OLGA, "/merges")
    assert (late.text, late.reply_markup) == (
        "No merge of customers in the last 24 hours is left to undo.",
        None,
    )


async def test_an_undone_merge_leaves_the_list(tg: Harness) -> None:
    await merged(tg)
    calls = await tg.press(OLGA, "mu:1", message_id=TOLD)
    assert answer_of(calls).text == "Undone: two customers again."
    [listed] = await tg.send(OLGA, "/merges")
    assert listed.text == "No merge of customers in the last 24 hours is left to undo."
