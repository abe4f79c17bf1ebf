"""Items found in inline mode over real HTTP: the emulator checks answerInlineQuery as strictly
as Telegram, the manager picks a result, types the quantity and sees the total."""

from __future__ import annotations

from decimal import Decimal

from emulator import InlineAnswer
from services.db.deals import Deal
from tests.e2e.test_deals_live import anna_gets_a_card
from tests.support.catalog import NOW, names, product
from tests.support.live import Live


async def test_a_product_found_inline_goes_on_the_request(live: Live) -> None:
    emu = live.emulator
    emu.set_inline("Search products…")
    async with live.app.sessions() as session:
        for number in range(1, 31):
            await product(
                session, NOW, names(f"Laminate {number:02}"), "25.00", "m2", code=f"L{number}"
            )
        await product(session, NOW, names("Skirting glue"), "7.00", code="GLUE-1")
        await session.commit()
    card = await anna_gets_a_card(live)
    anna = emu.user(200, "Anna")
    await anna.press("⋯ More", message_id=card.message_id)
    await anna.press("🛒 Items", message_id=card.message_id)
    screen = emu.find_message(200, card.message_id)
    assert screen is not None and (screen.text or "").startswith("Request #1: items")
    # 🔎 Find opens inline mode with the request's number typed in.
    opened = await anna.press("🔎 Find", message_id=card.message_id)
    assert isinstance(opened, InlineAnswer)
    assert len(opened.results) == 10 and opened.next_offset == "10"
    assert opened.is_personal
    query = anna.inline_query("#1 Laminate", offset="20")
    rest = await anna.wait_for_inline_answer(query)
    assert rest is not None and [r["title"] for r in rest.results] == [
        f"Laminate {n}" for n in range(21, 31)
    ]
    assert rest.next_offset == ""
    query = anna.inline_query("#1 glue")
    found = await anna.wait_for_inline_answer(query)
    assert found is not None and [r["id"] for r in found.results] == ["31"]
    sent = anna.choose_inline_result(query, "31")
    assert sent is not None and sent.via_bot is not None
    ask = await anna.wait_for_bot_message(predicate=lambda m: "How many" in (m.text or ""))
    assert ask.text == "How many pcs of Skirting glue? Send the quantity, or /cancel."
    anna.send_text("4")
    shown = await anna.wait_for_bot_message(predicate=lambda m: "Total" in (m.text or ""))
    assert (shown.text or "").splitlines()[-1] == "Total: AZN28.00"
    async with live.app.sessions() as session:
        assert (await session.get_one(Deal, 1)).amount == Decimal("28.00")
