"""The customer card once its customer is merged into another: a press on it, a list's button
drawn before or a typed answer changes nothing and shows the customer they were merged into;
search and /customers leave them out; after the undo their card is theirs again."""

from __future__ import annotations

from aiogram.methods import EditMessageText, SendMessage
from sqlalchemy import select

from services.db.customers import Customer
from tests.support.calls import answer_of, buttons, without_answers
from tests.support.harness import Harness
from tests.support.merges import CARD, OLGA, a_call_then_leyla_types_its_number

MERGED = (
    "This customer has been merged into another one, so nothing was changed. "
    "Here is the customer they were merged into."
)
KEPT = [
    "<b>👤 Leyla</b>",
    "📞 +994 50 123 45 67 ⭐",
    "✉️ sofa@example.com",
    "🗣 English",
    "Source: phone call · customer since Mar 2, 2026",
    "<b>Requests: 2</b>",
    "#2 · New · Mar 2, 2026",
    "#1 · New · Mar 2, 2026",
]
# The kept customer's card, its version moved on by the merge.
KEPT_BUTTONS = [
    [("✏️ Name", "cu:e:1:2:1"), ("📞 Phones", "cu:p:1:2:0")],
    [("✉️ E-mail", "cu:e:1:2:2"), ("🏢 Company", "cu:e:1:2:3")],
    [("🏠 Address", "cu:e:1:2:4"), ("🗣 Language", "cu:l:1:2:0")],
    [("🎂 Birthday", "cu:e:1:2:6"), ("🏷 Tags", "cu:t:1:2:0")],
    [("📝 Notes", "cu:e:1:2:5"), ("📜 History", "cu:h:1:2:0")],
    [("#2 · New", "do:2"), ("#1 · New", "do:1")],
]


async def merged(tg: Harness) -> None:
    """Olga merges Leyla (customer 2, request #2) into the caller (customer 1)."""
    await tg.press(OLGA, "dk:j:2:1:1", message_id=CARD)
    await tg.press(OLGA, "dk:k:2:1:1", message_id=CARD)


async def details(tg: Harness) -> list[tuple[int, str | None, str | None, int]]:
    async with tg.app.sessions() as session:
        found = await session.execute(
            select(Customer.id, Customer.email, Customer.language, Customer.version).order_by(
                Customer.id
            )
        )
        return [tuple(r) for r in found.all()]  # type: ignore[misc]


async def test_a_press_on_a_merged_customers_card_shows_the_one_they_were_merged_into(
    tg: Harness,
) -> None:
    await a_call_then_leyla_types_its_number(tg)
    [leyla] = await tg.send(OLGA, "/customer Leyla")
    assert leyla.text.startswith("<b>👤 Leyla</b>\n🗣 English\nSource: Telegram")
    await merged(tg)
    before = await details(tg)
    assert before == [(1, "sofa@example.com", None, 2), (2, None, None, 1)]

    calls = await tg.press(OLGA, "cu:g:2:1:1", message_id=CARD)
    assert answer_of(calls).text == MERGED
    [card] = without_answers(calls)
    assert isinstance(card, EditMessageText)
    assert (card.message_id, card.text.splitlines(), buttons(card)) == (CARD, KEPT, KEPT_BUTTONS)
    # A list drawn before the merge opens the kept customer below.
    calls = await tg.press(OLGA, "cu:o:2:0:0", message_id=CARD)
    assert answer_of(calls).text == MERGED
    [card] = without_answers(calls)
    assert isinstance(card, SendMessage)
    assert (card.text.splitlines(), buttons(card)) == (KEPT, KEPT_BUTTONS)
    assert await details(tg) == before


async def test_a_typed_answer_for_a_merged_customer_changes_nothing(tg: Harness) -> None:
    await a_call_then_leyla_types_its_number(tg)
    await tg.send(OLGA, "/customer Leyla")
    [prompt] = without_answers(await tg.press(OLGA, "cu:e:2:1:2", message_id=CARD))
    assert prompt.text == "Send the e-mail address, - to clear it, or /cancel."
    await merged(tg)
    before = await details(tg)
    card, said = await tg.send(OLGA, "leyla@example.com")
    assert isinstance(card, EditMessageText)
    assert (card.message_id, card.text.splitlines(), buttons(card)) == (CARD, KEPT, KEPT_BUTTONS)
    assert said.text == MERGED
    assert await details(tg) == before
    # The question is over: the next text is not taken as the e-mail.
    await tg.send(OLGA, "other@example.com")
    assert await details(tg) == before


async def test_search_and_the_list_leave_the_merged_customer_out(tg: Harness) -> None:
    await a_call_then_leyla_types_its_number(tg)
    [listed] = await tg.send(OLGA, "/customers")
    assert listed.text.splitlines()[0] == "<b>Customers: 2</b>"
    await merged(tg)
    [listed] = await tg.send(OLGA, "/customers")
    assert listed.text.splitlines()[:2] == [
        "<b>Customers: 1</b>",
        "Leyla · +994 50 123 45 67 · 2 requests · just now",
    ]
    assert buttons(listed)[0] == [("👤 Leyla", "cu:o:1:0:0")]
    # Both are named Leyla now; one card opens.
    [card] = await tg.send(OLGA, "/customer leyla")
    assert (card.text.splitlines(), buttons(card)) == (KEPT, KEPT_BUTTONS)


async def test_after_the_undo_the_card_is_the_customers_again_and_moved_on(
    tg: Harness,
) -> None:
    await a_call_then_leyla_types_its_number(tg)
    await tg.send(OLGA, "/customer Leyla")
    await merged(tg)
    await tg.press(OLGA, "mu:1", message_id=CARD + 1)
    assert await details(tg) == [(1, "sofa@example.com", None, 3), (2, None, None, 2)]
    calls = await tg.press(OLGA, "cu:g:2:1:1", message_id=CARD)
    assert answer_of(calls).text == (
        "This card was out of date, so nothing was changed. Here is the customer as they are now."
    )
    [card] = without_answers(calls)
    assert card.text.startswith("<b>👤 Leyla</b>\n🗣 English\nSource: Telegram")
    assert buttons(card)[0] == [("✏️ Name", "cu:e:2:2:1"), ("📞 Phones", "cu:p:2:2:0")]
    [listed] = await tg.send(OLGA, "/customers")
    assert listed.text.splitlines()[0] == "<b>Customers: 2</b>"


async def test_the_merge_and_its_undo_are_in_both_customers_history(tg: Harness) -> None:
    await a_call_then_leyla_types_its_number(tg)
    await tg.send(OLGA, "/customer Leyla")
    await merged(tg)
    merge = "Mar 2, 2026, 13:00 · Olga: customer Leyla merged into +994501234567"
    undo = "Mar 2, 2026, 13:00 · Olga: merge undone: customer Leyla split off from +994501234567"
    [kept] = without_answers(await tg.press(OLGA, "cu:h:1:2:0", message_id=CARD))
    assert kept.text.splitlines() == ["<b>History of Leyla</b>", merge]
    await tg.press(OLGA, "mu:1", message_id=CARD + 1)
    [kept] = without_answers(await tg.press(OLGA, "cu:h:1:3:0", message_id=CARD))
    assert kept.text.splitlines() == ["<b>History of —</b>", undo, merge]
    [back] = without_answers(await tg.press(OLGA, "cu:h:2:2:0", message_id=CARD))
    assert back.text.splitlines() == ["<b>History of Leyla</b>", undo]
