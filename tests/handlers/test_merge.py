"""The owner's 🔗 Merge: offered on a card whose phone is also another customer's, confirmed,
refused to managers, to forged or stale presses, and for two Telegram accounts."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import EditMessageText
from sqlalchemy import select

from services.db.users import User
from tests.support.calls import answer_of, buttons, sent_to, without_answers
from tests.support.deals import STALE, make_manager, more_buttons
from tests.support.harness import Harness
from tests.support.merges import (
    ANNA,
    CARD,
    LEYLA,
    MERGE_ROW,
    NUMBER,
    OLGA,
    REFUSED,
    TWO_ACCOUNTS,
    VUSAL,
    a_call_then_leyla_types_its_number,
    leyla_types_it,
    owners_card,
    state,
)
from tests.support.seed import deal_for


async def test_the_owner_merges_a_customer_with_the_one_whose_number_they_gave(
    tg: Harness,
) -> None:
    await a_call_then_leyla_types_its_number(tg)
    card = await owners_card(tg)
    lines = card.text.splitlines()
    assert lines[2:5] == [
        "👤 Leyla",
        "📞 +994 50 123 45 67",
        "⚠️ Same phone as +994 50 123 45 67, request #1",
    ]
    assert buttons(card)[-1] == [("⋯ More", "dk:v:2:1:0")]
    assert (await more_buttons(tg, OLGA, "dk:v:2:1:0"))[-2] == MERGE_ROW

    calls = await tg.press(OLGA, "dk:j:2:1:1", message_id=CARD)
    [ask] = without_answers(calls)
    assert isinstance(ask, EditMessageText)
    assert (ask.chat_id, ask.message_id) == (OLGA.id, CARD)
    assert ask.text == card.text + (
        "\n\nMerge <b>Leyla</b> into <b>+994 50 123 45 67</b>? "
        "Their requests, messages and history become one customer's.\n"
        "A number given with a request proves nothing about who gave it: merge only if you "
        "know they are the same person."
    )
    assert buttons(ask) == [[("✅ Merge", "dk:k:2:1:1"), ("Cancel", "dk:c:2:1:0")]]
    assert (await state(tg))["deals"] == [(1, 1, 1), (2, 2, 1)]

    tg.app.clock.advance(timedelta(minutes=5))  # type: ignore[attr-defined]
    calls = await tg.press(OLGA, "dk:k:2:1:1", message_id=CARD)
    assert answer_of(calls).text == "Merged: it is one customer now."
    [done, told] = without_answers(calls)
    assert isinstance(done, EditMessageText)
    assert (told.chat_id, told.text) == (
        OLGA.id,
        "🔗 <b>Leyla</b> merged into <b>+994 50 123 45 67</b>. "
        "You can undo it until Mar 3, 2026, 13:05.",
    )
    assert buttons(told) == [[("↩️ Undo", "mu:1")]]
    assert done.text.splitlines()[2:5] == [
        "👤 Leyla",
        "📞 +994 50 123 45 67",
        "✉️ sofa@example.com",
    ]
    assert buttons(done) == [
        [("✅ Take", "d:t:2"), ("↩️ Reply", "d:r:2")],
        [("⋯ More", "dk:v:2:3:0")],
    ]
    assert (await more_buttons(tg, OLGA, "dk:v:2:3:0"))[0][0] == ("➡️ Contacted", "dk:n:2:3:0")
    olga = await user_id(tg, OLGA.id)
    assert await state(tg) == {
        "customers": [(1, "Leyla", NUMBER, "sofa@example.com", LEYLA.id)],
        "merged_away": [(2, "Leyla", 1)],
        "deals": [(1, 1, 1), (2, 1, 3)],
        # In the moved request's history and the kept customer's own.
        "merged": [(2, None, olga, "Leyla", NUMBER), (None, 1, olga, "Leyla", NUMBER)],
    }
    [history] = without_answers(await tg.press(OLGA, "dk:h:2:3:0", message_id=CARD))
    assert history.text.splitlines()[-1] == (
        "Mar 2, 2026, 13:05 · Olga: customer Leyla merged into +994501234567"
    )
    [mine] = await tg.send(LEYLA, "/requests")
    assert [line.split(" · ")[0] for line in mine.text.splitlines()[1:]] == ["#2", "#1"]


async def user_id(tg: Harness, tg_id: int) -> int | None:
    async with tg.app.sessions() as session:
        return await session.scalar(select(User.id).where(User.tg_id == tg_id))


async def test_cancel_shows_the_card_again_and_changes_nothing(tg: Harness) -> None:
    await a_call_then_leyla_types_its_number(tg)
    card = await owners_card(tg)
    await tg.press(OLGA, "dk:j:2:1:1", message_id=CARD)
    before = await state(tg)
    [back] = without_answers(await tg.press(OLGA, "dk:c:2:1:0", message_id=CARD))
    assert (back.text, buttons(back)) == (card.text, buttons(card))
    assert await state(tg) == before


async def test_managers_see_the_hint_and_may_not_merge(tg: Harness) -> None:
    await make_manager(tg)
    async with tg.app.sessions() as session:
        await deal_for(session, None, tg.clock, name="Caller", phone=NUMBER)
    await tg.send(LEYLA, "/new")
    await tg.send(LEYLA, "Need a sofa")
    await tg.send(LEYLA, "050 123 45 67")
    [card] = sent_to(await tg.deliver(), ANNA.id)
    assert card.chat_id == ANNA.id
    assert "⚠️ Same phone as Caller, request #1" in card.text.splitlines()
    more = await more_buttons(tg, ANNA, "dk:v:2:1:0")
    assert all(text != "🔗 Merge" for row in buttons(card) + more for text, _ in row)
    before = await state(tg)
    for data in ("dk:j:2:1:1", "dk:k:2:1:1"):
        calls = await tg.press(ANNA, data, message_id=CARD)
        answer = answer_of(calls)
        assert (answer.text, answer.show_alert) == (REFUSED, True)
        assert without_answers(calls) == []
    assert await state(tg) == before


async def test_forged_and_stale_presses_change_nothing(tg: Harness) -> None:
    await a_call_then_leyla_types_its_number(tg)
    card = await owners_card(tg)
    before = await state(tg)
    # Another customer than the card shows, the card's own customer, an older version.
    for data in ("dk:k:2:1:3", "dk:k:2:1:2", "dk:j:2:1:2", "dk:k:2:0:1"):
        calls = await tg.press(OLGA, data, message_id=CARD)
        assert answer_of(calls).text == STALE
        [shown] = without_answers(calls)
        assert (shown.text, buttons(shown)) == (card.text, buttons(card))
        assert await state(tg) == before
    await tg.press(OLGA, "dk:k:2:1:1", message_id=CARD)
    after = await state(tg)
    calls = await tg.press(OLGA, "dk:k:2:1:1", message_id=CARD)  # a second tap
    assert answer_of(calls).text == STALE
    assert await state(tg) == after


async def test_two_telegram_accounts_stay_two_customers(tg: Harness) -> None:
    await make_manager(tg)
    await tg.send(VUSAL, "/new")
    await tg.send(VUSAL, "Need a wardrobe")
    await tg.share(VUSAL, "994501234567", VUSAL.id)
    await leyla_types_it(tg)
    card = await owners_card(tg)
    assert "⚠️ Same phone as Vusal, request #1" in card.text.splitlines()
    assert buttons(card)[-1] == [("⋯ More", "dk:v:2:1:0")]
    assert (await more_buttons(tg, OLGA, "dk:v:2:1:0"))[-2] == MERGE_ROW
    before = await state(tg)
    for data in ("dk:j:2:1:1", "dk:k:2:1:1"):
        calls = await tg.press(OLGA, data, message_id=CARD)
        answer = answer_of(calls)
        assert (answer.text, answer.show_alert) == (TWO_ACCOUNTS, True)
        assert without_answers(calls) == []
    assert await state(tg) == before
