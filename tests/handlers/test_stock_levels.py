"""/stock: staff see the products running low (a fifth of their stock or less available), with
what the requests hold, in their language, in pages."""

from __future__ import annotations

from decimal import Decimal

from services.db.stock import Reservation
from tests.support.calls import answer_of, buttons, without_answers
from tests.support.catalog import NOW, names, product
from tests.support.deals import ANNA, LEYLA, OLGA, make_manager, new_deal
from tests.support.harness import Harness, person

VERA = person(202, "Vera", "ru")


async def shelf(tg: Harness) -> None:
    """Products 1–7 with their stock, and what request #1 holds of them."""
    await new_deal(tg)
    stocked = [
        (names("Laminate", "Laminat", "Ламинат"), "m2", "100", "85", True),
        ("Glue", "piece", "12", "15", True),
        ("Paint", "l", "0", None, True),
        ("Nails", "piece", "50", None, True),
        ("Old tiles", "m2", "0", None, False),
        ("Fitting", "h", None, None, True),
        ("Tape", "piece", "10", "8", True),
    ]
    async with tg.app.sessions() as session:
        for named, unit, stock, reserved, active in stocked:
            made = await product(session, NOW, named, "1", unit, stock=stock, active=active)
            if reserved is not None:
                session.add(
                    Reservation(
                        deal_id=1, product_id=made.id, quantity=Decimal(reserved), created_at=NOW
                    )
                )
        await session.commit()


async def test_the_products_running_low_with_what_is_held(tg: Harness) -> None:
    await shelf(tg)
    [listed] = await tg.send(ANNA, "/stock")
    assert listed.text.splitlines() == [
        "<b>Low stock</b>",
        "🔴 <b>Glue</b>: -3 pcs available",
        "   in stock 12 pcs, reserved 15 pcs",
        "🔴 <b>Paint</b>: 0 l available",
        "   in stock 0 l, reserved 0 l",
        "🟡 <b>Laminate</b>: 15 m² available",
        "   in stock 100 m², reserved 85 m²",
        "🟡 <b>Tape</b>: 2 pcs available",
        "   in stock 10 pcs, reserved 8 pcs",
        "",
        "🔴 none available · 🟡 a fifth of the stock or less available",
    ]
    assert listed.reply_markup is None
    await make_manager(tg, VERA.id, "Vera")
    [russian] = await tg.send(VERA, "/stock")
    assert russian.text.splitlines()[5:7] == [
        "🟡 <b>Ламинат</b>: доступно 15 м²",
        "   на складе 100 м², в резерве 85 м²",
    ]
    [owner] = await tg.send(OLGA, "/stock")
    assert owner.text == listed.text


async def test_pages_and_who_may_see_them(tg: Harness) -> None:
    await new_deal(tg)
    async with tg.app.sessions() as session:
        for number in range(1, 13):
            await product(session, NOW, f"Part {number:02}", "1", stock="0")
    [first] = await tg.send(ANNA, "/stock")
    lines = first.text.splitlines()
    assert lines[0] == "<b>Low stock</b> (page 1 of 2)"
    assert lines[1] == "🔴 <b>Part 01</b>: 0 pcs available"
    assert buttons(first) == [[("Next ›", "sk:1")]]
    [second] = without_answers(await tg.press(ANNA, "sk:1"))
    assert second.text.splitlines()[:2] == [
        "<b>Low stock</b> (page 2 of 2)",
        "🔴 <b>Part 11</b>: 0 pcs available",
    ]
    assert buttons(second) == [[("‹ Previous", "sk:0")]]
    # A page past the last shows the last.
    [far] = without_answers(await tg.press(ANNA, "sk:99"))
    assert far.text == second.text
    # Customers see none of it.
    [said] = await tg.send(LEYLA, "/stock")
    assert "Low stock" not in (said.text or "")
    pressed = await tg.press(LEYLA, "sk:0")
    assert without_answers(pressed) == []
    assert answer_of(pressed).text != ""


async def test_nothing_low(tg: Harness) -> None:
    await make_manager(tg)
    async with tg.app.sessions() as session:
        await product(session, NOW, "Nails", "1", stock="50")
    [listed] = await tg.send(ANNA, "/stock")
    assert listed.text.splitlines() == [
        "<b>Low stock</b>",
        "Every product whose stock is counted has more than a fifth of it available.",
    ]
