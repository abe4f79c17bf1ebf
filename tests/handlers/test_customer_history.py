"""The customer card's 📜 History: each change of the card, newest first, ten a page, in the
reader's language and time zone; refused to a manager who does not see the customer."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import EditMessageText
from sqlalchemy import update

from services.db.users import User
from tests.support.calls import answer_of, buttons, without_answers
from tests.support.deals import ANNA, BAKO, CARD, make_manager, new_deal
from tests.support.fields import add_field
from tests.support.harness import Harness


async def typed(tg: Harness, press: str, text: str) -> None:
    """A minute on, Anna taps `press` on the card, then sends `text`."""
    tg.clock.advance(timedelta(minutes=1))
    await tg.press(ANNA, press, message_id=CARD)
    await tg.send(ANNA, text)


async def pressed(tg: Harness, data: str) -> EditMessageText:
    tg.clock.advance(timedelta(minutes=1))
    [shown] = without_answers(await tg.press(ANNA, data, message_id=CARD))
    assert isinstance(shown, EditMessageText) and shown.message_id == CARD
    return shown


async def test_each_change_with_who_and_when_newest_first(tg: Harness) -> None:
    await add_field(tg, 1, 4, ["VIP", None, "VIP-клиент"])
    await new_deal(tg)
    await typed(tg, "cu:e:1:1:2", "leyla@example.com")
    await typed(tg, "cu:a:1:2:0", "050 123 45 67")
    await typed(tg, "cu:n:1:3:0", "vip")
    await typed(tg, "cu:e:1:4:6", "31.12.1990")
    await pressed(tg, "cu:g:1:5:2")
    await pressed(tg, "cw:s:1:6:1:1")
    await pressed(tg, "fv:s:1:1:0")  # on the request's card
    await typed(tg, "cu:e:1:7:5", "Calls after 6 pm & <only> " + "x" * 300)
    history = await pressed(tg, "cu:h:1:8:0")
    assert history.text.splitlines() == [
        "<b>History of Leyla</b>",
        "Mar 2, 2026, 13:08 · Anna: 📝 Notes: — → Calls after 6 pm &amp; &lt;only&gt; "
        + "x" * 53
        + "…",
        "Mar 2, 2026, 13:07 · Anna: 🧾 VIP: yes → no",
        "Mar 2, 2026, 13:06 · Anna: 🧾 VIP: — → yes",
        "Mar 2, 2026, 13:05 · Anna: 🗣 Language: — → Azərbaycanca",
        "Mar 2, 2026, 13:04 · Anna: 🎂 Birthday: — → December 31, 1990",
        "Mar 2, 2026, 13:03 · Anna: tag #vip added",
        "Mar 2, 2026, 13:02 · Anna: 📞 +994 50 123 45 67 added",
        "Mar 2, 2026, 13:01 · Anna: ✉️ E-mail: — → leyla@example.com",
    ]
    assert buttons(history) == [[("« Back to the customer", "cu:c:1:8:0")]]
    async with tg.app.sessions() as session:
        await session.execute(update(User).where(User.tg_id == ANNA.id).values(language="ru"))
        await session.commit()
    history = await pressed(tg, "cu:h:1:8:0")
    assert history.text.splitlines()[2:4] == [
        "2 мар. 2026\u202fг., 13:07 · Anna: 🧾 VIP-клиент: да → нет",
        "2 мар. 2026\u202fг., 13:06 · Anna: 🧾 VIP-клиент: — → да",
    ]
    card = await pressed(tg, "cu:c:1:8:0")
    assert card.text.startswith("<b>👤 Leyla</b>")


async def test_ten_changes_a_page(tg: Harness) -> None:
    await new_deal(tg)
    for n in range(1, 13):
        await typed(tg, f"cu:e:1:{n}:1", f"Leyla {n}")
    first = await pressed(tg, "cu:h:1:13:0")
    lines = first.text.splitlines()
    assert lines[0] == "<b>History of Leyla 12</b> (page 1 of 2)"
    assert lines[1] == "Mar 2, 2026, 13:12 · Anna: ✏️ Name: Leyla 11 → Leyla 12"
    assert len(lines) == 11
    assert buttons(first) == [[("›", "cu:h:1:13:1")], [("« Back to the customer", "cu:c:1:13:0")]]
    second = await pressed(tg, "cu:h:1:13:1")
    assert second.text.splitlines() == [
        "<b>History of Leyla 12</b> (page 2 of 2)",
        "Mar 2, 2026, 13:02 · Anna: ✏️ Name: Leyla 1 → Leyla 2",
        "Mar 2, 2026, 13:01 · Anna: ✏️ Name: Leyla → Leyla 1",
    ]
    assert buttons(second) == [[("‹", "cu:h:1:13:0")], [("« Back to the customer", "cu:c:1:13:0")]]


async def test_a_manager_who_does_not_see_the_customer_is_refused(tg: Harness) -> None:
    await new_deal(tg)
    await make_manager(tg, BAKO.id, "Bako")
    calls = await tg.press(BAKO, "cu:h:1:1:0", message_id=CARD)
    assert without_answers(calls) == []
    assert answer_of(calls).text == "Sorry, you can't do that."
    empty = await pressed(tg, "cu:h:1:1:0")
    assert empty.text.splitlines() == ["<b>History of Leyla</b>", "No changes yet."]


async def test_a_page_of_the_longest_changes_fits_one_message(tg: Harness) -> None:
    await new_deal(tg)
    await typed(tg, "cu:e:1:1:1", "L" * 256)
    for n in range(2, 12):
        await typed(tg, f"cu:e:1:{n}:5", "abcdefghijkl"[n] * 1000)
    history = await pressed(tg, "cu:h:1:12:0")
    assert len(history.text) <= 4096
    assert history.text.splitlines()[1].endswith(f"{'k' * 79}… → {'l' * 79}…")
