"""A deal's 🛒 Items: a product found in inline mode or in the catalog, added with a quantity
or with measurements; the totals on the items screen and the card; the amount they make."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aiogram.methods import AnswerInlineQuery, EditMessageText
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, User
from sqlalchemy import select, update

from services.db.catalog import DealItem, DealMeasure
from services.db.deals import Deal, Event
from tests.support.calls import answer_of, buttons, without_answers
from tests.support.deals import (
    ANNA,
    BAKO,
    CARD,
    LEYLA,
    OLGA,
    STALE,
    make_manager,
    more_buttons,
    new_deal,
)
from tests.support.harness import Harness
from tests.support.items import SCREEN, laminate_and_underlay, ten_glue


async def test_a_product_found_inline_is_added_with_its_quantity(tg: Harness) -> None:
    await laminate_and_underlay(tg)
    await new_deal(tg)
    [screen] = without_answers(await tg.press(ANNA, "it:l:1:1:0:0", message_id=CARD))
    assert screen.text.splitlines() == [
        "<b>Request #1: items</b>",
        "No items yet. Find a product by name or code with 🔎, or choose it from the catalog.",
    ]
    find = screen.reply_markup.inline_keyboard[0][0]
    assert (find.text, find.switch_inline_query_current_chat) == ("🔎 Find", "#1 ")
    [answer] = await tg.inline(ANNA, "#1 glu")
    assert isinstance(answer, AnswerInlineQuery) and answer.is_personal
    [found] = answer.results
    assert (found.id, found.title, found.description) == (
        "3",
        "Skirting glue",
        "GLUE-1 · AZN7.00 per pcs",
    )
    assert found.input_message_content.message_text == "🛒 Skirting glue\nGLUE-1 · AZN7.00 per pcs"
    [[add]] = found.reply_markup.inline_keyboard
    assert (add.text, add.callback_data) == ("✅ Add to request #1", "it:p:1:1:3:0")
    [ask] = await tg.send_via_bot(ANNA, "🛒 Skirting glue", found.reply_markup)
    assert ask.text == "How many pcs of Skirting glue? Send the quantity, or /cancel."
    [bad] = await tg.send(ANNA, "0")
    assert bad.text.startswith("Send a quantity above zero")
    said, shown = await tg.send(ANNA, "3")
    assert said.text == "Saved: the request's total is counted again."
    assert shown.text.splitlines() == [
        "<b>Request #1: items</b>",
        "1. Skirting glue",
        "   3 pcs × AZN7.00 = AZN21.00",
        "",
        "Subtotal: AZN21.00",
        "<b>Total: AZN21.00</b>",
    ]
    async with tg.app.sessions() as session:
        item = (await session.scalars(select(DealItem))).one()
        deal = await session.get_one(Deal, 1)
        kinds = (await session.scalars(select(Event.kind).where(Event.deal_id == 1))).all()
    assert (item.product_id, item.quantity, item.price, item.unit) == (3, 3, 7, "piece")
    assert (deal.amount, deal.version) == (Decimal("21.00"), 2)
    assert kinds[-2:] == ["item", "amount"]


async def test_measurements_count_several_products_and_the_card_shows_them(tg: Harness) -> None:
    await laminate_and_underlay(tg)
    await new_deal(tg)
    [ask] = without_answers(await tg.press(ANNA, "cg:p:1:1:1:0", message_id=SCREEN))
    assert ask.text == (
        "Laminate Oak is counted from measurements: send Length × Width in m, "
        "like 4.2 x 3.5; or /cancel."
    )
    [wrong] = await tg.send(ANNA, "4.2")
    assert wrong.text.startswith("I couldn't count with those measurements.")
    said, shown = await tg.send(ANNA, "4.2 x 3.5")
    assert said.text == "Saved: the request's total is counted again."
    # 4.2 × 3.5 × 1.1 = 16.17 m², in whole packs of 2.2 m²: 17.6.
    assert shown.text.splitlines()[1:3] == ["1. Laminate Oak", "   17.6 m² × AZN25.00 = AZN440.00"]
    assert "📐 Room: 4.2 × 3.5 m" in shown.text.splitlines()
    [ask_underlay, *_] = without_answers(await tg.press(ANNA, "cg:p:1:2:2:0", message_id=SCREEN))
    assert ask_underlay.text.endswith("Or count it from measurements already on the request:")
    assert buttons(ask_underlay)[0] == [("📐 Room: 4.2 × 3.5 m", "it:s:1:2:2:1")]
    [screen] = without_answers(await tg.press(ANNA, "it:s:1:2:2:1", message_id=SCREEN))
    assert "   15 m² × AZN2.50 = AZN37.50" in screen.text.splitlines()
    assert screen.text.splitlines()[-3:] == [
        "Subtotal: AZN477.50",
        "VAT included: AZN67.12",
        "<b>Total: AZN477.50</b>",
    ]
    # New measurements count both again.
    await tg.press(ANNA, "it:m:1:3:1:0", message_id=SCREEN)
    _said, again = await tg.send(ANNA, "5 x 4")
    assert "   22 m² × AZN25.00 = AZN550.00" in again.text.splitlines()
    assert "   20 m² × AZN2.50 = AZN50.00" in again.text.splitlines()
    async with tg.app.sessions() as session:
        assert len((await session.scalars(select(DealMeasure))).all()) == 1
    [card] = without_answers(await tg.press(ANNA, "dk:c:1:4:0", message_id=CARD))
    lines = card.text.splitlines()
    assert lines[4:8] == [
        "🛒 Laminate Oak · 22 m²",
        "🛒 Underlay · 20 m²",
        "🧾 Subtotal AZN600.00 · VAT included AZN83.90",
        "💰 AZN600.00",
    ]
    more = await more_buttons(tg, ANNA, "dk:v:1:4:0")
    assert more[:2] == [
        [("➡️ Contacted", "dk:n:1:4:0"), ("🔀 Stage…", "dk:s:1:4:0")],
        [("🛒 Items", "it:l:1:4:0:0"), ("📝 Note", "dk:o:1:4:0")],
    ]
    assert "💰 Amount" not in str(buttons(card)) + str(more)
    # A forged 💰 Amount: the total is the items'.
    await tg.press(ANNA, "dk:a:1:4:0", message_id=CARD)
    [refused] = await tg.send(ANNA, "100")
    assert refused.text.startswith("This request's amount is the total of its items.")
    async with tg.app.sessions() as session:
        assert (await session.get_one(Deal, 1)).amount == Decimal("600.00")


async def test_a_discount_above_the_limit_waits_for_the_owner(tg: Harness) -> None:
    await ten_glue(tg)
    await tg.press(ANNA, "it:d:1:2:0:0", message_id=SCREEN)
    [bad] = await tg.send(ANNA, "120%")
    assert bad.text.startswith("Send a discount as a percent")
    said, shown = await tg.send(ANNA, "15%")
    assert said.text == "The discount is above your limit, so the owner was asked to approve it."
    assert "🏷 On the request: ⏳ −15%, by Anna: waiting for the owner" in shown.text.splitlines()
    assert "<b>Total: AZN70.00</b>" in shown.text.splitlines()
    [card] = without_answers(await tg.press(ANNA, "dk:c:1:3:0", message_id=CARD))
    assert card.text.splitlines()[4:7] == [
        "🛒 Skirting glue · 10 pcs",
        "🏷 ⏳ −15%, by Anna: waiting for the owner",
        "💰 AZN70.00",
    ]
    [asked] = [c for c in await tg.deliver() if c.chat_id == OLGA.id]
    assert asked.text == (
        "🏷 Anna asks for a discount above their limit on request #1, on the whole request: "
        "⏳ −15%, by Anna: waiting for the owner.\nThe request's total now: AZN70.00."
    )
    assert buttons(asked)[0] == [("✅ Approve", "dz:a:1"), ("✖ Refuse", "dz:r:1")]
    refused = await tg.press(ANNA, "dz:a:1")
    assert answer_of(refused).text == "Sorry, you can't do that."
    [done] = without_answers(await tg.press(OLGA, "dz:a:1"))
    assert done.text == "✅ Discount approved on request #1. Its total: AZN59.50."
    told, redrawn = [c for c in await tg.deliver() if c.chat_id == ANNA.id]
    assert told.text == ("✅ The owner approved your discount on request #1. Its total: AZN59.50.")
    # Her card shows the new total too.
    assert isinstance(redrawn, EditMessageText) and "💰 AZN59.50" in redrawn.text.splitlines()
    async with tg.app.sessions() as session:
        assert (await session.get_one(Deal, 1)).amount == Decimal("59.50")
    again = await tg.press(OLGA, "dz:r:1")
    assert answer_of(again).text == "Not found: it may have been removed."


def found_button() -> InlineKeyboardMarkup:
    add = InlineKeyboardButton(text="✅", callback_data="it:p:1:1:3:0")
    return InlineKeyboardMarkup(inline_keyboard=[[add]])


async def test_inline_search_is_for_staff_and_their_own_requests(tg: Harness) -> None:
    await laminate_and_underlay(tg)
    await new_deal(tg)
    await make_manager(tg, BAKO.id, "Bako")
    [for_customer] = await tg.inline(LEYLA, "lam")
    assert for_customer.results == []
    [not_his] = await tg.inline(BAKO, "#1 lam")
    [result] = not_his.results
    assert result.reply_markup is None
    [all_of_them] = await tg.inline(ANNA, "")
    assert [r.title for r in all_of_them.results] == ["Laminate Oak", "Skirting glue", "Underlay"]
    [russian] = await tg.inline(LEYLA, "дуб")
    assert russian.results == []
    # A forged Add button of another manager's request is refused.
    forged = InlineKeyboardMarkup(
        inline_keyboard=[[{"text": "✅", "callback_data": "it:p:1:1:3:0"}]]  # type: ignore[list-item]
    )
    [refused] = await tg.send_via_bot(BAKO, "🛒 Skirting glue", forged)
    assert refused.text == "Sorry, you can't do that."
    # The same button sent through another bot adds nothing: it is a message like any other.
    other = User(id=777, is_bot=True, first_name="Other")
    [helped] = await tg.send_via_bot(ANNA, "🛒 Skirting glue", found_button(), via=other)
    assert "How many" not in helped.text
    async with tg.app.sessions() as session:
        assert (await session.scalars(select(DealItem))).all() == []
    stale = await tg.press(ANNA, "it:q:1:7:1:0", message_id=SCREEN)
    assert answer_of(stale).text == STALE


async def test_what_cannot_be_used_is_neither_offered_nor_done(tg: Harness) -> None:
    await ten_glue(tg)
    await tg.press(OLGA, "it:d:1:2:0:0", message_id=SCREEN)
    await tg.send(OLGA, "5%")
    [anna_sees] = without_answers(await tg.press(ANNA, "it:l:1:3:0:0", message_id=SCREEN))
    [olga_sees] = without_answers(await tg.press(OLGA, "it:l:1:3:0:0", message_id=SCREEN))
    remove = ("✖ Remove a discount on the request", "it:u:1:3:1:0")

    def offered(shown: Any) -> list[tuple[str, str | None]]:
        return [button for row in buttons(shown) for button in row]

    assert remove not in offered(anna_sees) and remove in offered(olga_sees)
    # A number no request can have: found, with nothing to add to; an offset no page has.
    [beyond] = await tg.inline(ANNA, "#9999999999 glue")
    assert [(r.title, r.reply_markup) for r in beyond.results] == [("Skirting glue", None)]
    [far] = await tg.inline(ANNA, "glue", offset="9" * 60)
    assert far.results[0].title == "Skirting glue"
    # A closed request takes nothing from the catalog: said at once, nothing asked.
    async with tg.app.sessions() as session:
        await session.execute(update(Deal).values(closed_at=tg.clock.now()))
        await session.commit()
    calls = await tg.press(ANNA, "cg:p:1:3:3:0", message_id=SCREEN)
    assert without_answers(calls) == []
    assert answer_of(calls).text.startswith("This request is closed")


async def test_a_discount_a_lower_quantity_takes_past_the_limit_goes_to_the_owner(
    tg: Harness,
) -> None:
    await ten_glue(tg)
    await tg.press(ANNA, "it:d:1:2:0:0", message_id=SCREEN)
    said, _shown = await tg.send(ANNA, "7")
    assert said.text == "Discount given: the request's total is counted again."
    assert await tg.deliver() == []
    # 5% of the glue alone is within the limit, but with the 7 makes 15% of 70.
    await tg.press(ANNA, "it:d:1:3:1:0", message_id=SCREEN)
    said, _shown = await tg.send(ANNA, "5%")
    assert said.text == (
        "With your other discounts on this request the discount is above your limit, so the "
        "owner was asked to approve it."
    )
    # Taken back.
    await tg.press(ANNA, "it:u:1:4:2:0", message_id=SCREEN)
    # The owner lowers the quantity.
    await tg.press(OLGA, "it:q:1:5:1:0", message_id=SCREEN)
    said, shown = await tg.send(OLGA, "5")
    assert said.text == "Saved: the request's total is counted again."
    lines = shown.text.splitlines()
    assert "🏷 On the request: ⏳ −AZN7.00, by Anna: waiting for the owner" in lines
    assert "<b>Total: AZN35.00</b>" in lines
    delivered = await tg.deliver()
    held, redrawn = [c for c in delivered if c.chat_id == ANNA.id]
    # Her card shows the owner's change, and a line (joined to the first) says who made it.
    assert isinstance(redrawn, EditMessageText) and "💰 AZN35.00" in redrawn.text.splitlines()
    assert held.text == (
        "⏳ The items of request #1 changed, and your discount on it is now above your limit: "
        "it waits for the owner's approval. The request's total now: AZN35.00.\n\n"
        "Olga changed the amount of request #1: AZN63.00 → AZN35.00."
    )
    [asked] = [c for c in delivered if c.chat_id == OLGA.id]
    assert asked.text == (
        "🏷 The items of request #1 changed, and Anna's discount on the whole request is now "
        "above their limit: it is not counted until you approve it.\n"
        "⏳ −AZN7.00, by Anna: waiting for the owner\nThe request's total now: AZN35.00."
    )
    assert buttons(asked)[0] == [("✅ Approve", "dz:a:1"), ("✖ Refuse", "dz:r:1")]
