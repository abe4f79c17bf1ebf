"""The owner's 📐 Measurements, a product's formula over them, and the sales settings."""

from __future__ import annotations

from decimal import Decimal

from aiogram.methods import EditMessageText
from sqlalchemy import select

from services.db.catalog import MeasureSet, SalesSettings
from tests.handlers.test_catalog_admin import CARD, HOME, HOME_DATA, add_laminate, stored
from tests.support.calls import answer_of, buttons, without_answers
from tests.support.deals import OLGA
from tests.support.harness import Harness


async def add_room(tg: Harness) -> None:
    """Through 📐 Measurements: a room of a length and a width in metres."""
    await tg.press(OLGA, "ca:m:0", message_id=HOME)
    await tg.press(OLGA, "ca:n:0", message_id=HOME)
    await tg.send(OLGA, "Room / Otaq / Комната")
    await tg.send(OLGA, "Length / Uzunluq / Длина, m\nWidth / En / Ширина, m")


async def test_a_formula_is_refused_with_its_reason_and_a_good_one_saved(tg: Harness) -> None:
    await add_laminate(tg)
    [empty] = without_answers(await tg.press(OLGA, "pr:m:1:1:0", message_id=CARD))
    assert empty.text == (
        "There are no measurements yet: add them with 📐 Measurements in /catalog."
    )
    await add_room(tg)
    async with tg.app.sessions() as session:
        room = (await session.scalars(select(MeasureSet))).one()
    assert [i["key"] for i in room.inputs] == ["length", "width"]
    [sets] = without_answers(await tg.press(OLGA, "pr:m:1:1:0", message_id=CARD))
    assert sets.text == "Which measurements is its quantity counted from?"
    assert buttons(sets) == [[("Room", "pr:mt:1:1:1")], [("« Back", "pr:s:1:1:0")]]
    [ask] = without_answers(await tg.press(OLGA, "pr:mt:1:1:1", message_id=CARD))
    assert ask.text.splitlines() == [
        "Send the formula that counts how many m² of Laminate Oak are needed from «Room»:",
        "• <code>length</code>: Length, m",
        "• <code>width</code>: Width, m",
        "Functions: ceil, floor, round, min, max, abs, sqrt, pack.",
        "Like <code>ceil(length * width * 1.1 / 2.2)</code>. /cancel to stop.",
    ]
    [refused] = await tg.send(OLGA, "ceil(lenght * width)")
    assert refused.text == (
        "The formula can't be saved: «lenght» is neither a measurement nor a function. "
        "Send another one, or /cancel."
    )
    assert (await stored(tg)).formula is None
    edit, done = await tg.send(OLGA, "ceil(length * width * 1.1 / 2.2)")
    assert edit.text.splitlines()[-1] == (
        "📐 Counted from measurements: ceil(length * width * 1.1 / 2.2)"
    )
    assert done.text == "Formula saved."
    product = await stored(tg)
    assert (product.measure_set_id, product.formula) == (
        room.id,
        "ceil(length * width * 1.1 / 2.2)",
    )
    [sets] = without_answers(await tg.press(OLGA, "pr:m:1:2:0", message_id=CARD))
    assert buttons(sets) == [
        [("✓ Room", "pr:mt:1:2:1")],
        [("🚫 No formula", "pr:mx:1:2:0")],
        [("« Back", "pr:s:1:2:0")],
    ]
    calls = await tg.press(OLGA, "pr:mx:1:2:0", message_id=CARD)
    assert answer_of(calls).text == "No formula now: managers type the quantity."
    product = await stored(tg)
    assert (product.measure_set_id, product.formula) == (None, None)


async def test_measurements_are_listed_and_added(tg: Harness) -> None:
    [empty] = without_answers(await tg.press(OLGA, "ca:m:0", message_id=HOME))
    assert empty.text.splitlines()[-1] == "None yet."
    assert buttons(empty) == [
        [("➕ Measurements", "ca:n:0")],
        [("« Catalog", HOME_DATA)],
    ]
    [ask_name] = without_answers(await tg.press(OLGA, "ca:n:0", message_id=HOME))
    assert ask_name.text.startswith("Send the name of the measurements")
    [ask_inputs] = await tg.send(OLGA, "Room / Otaq / Комната")
    assert ask_inputs.text.startswith("Send the measurements, one a line")
    [bad] = await tg.send(OLGA, "Length, parsecs")
    assert bad.text.startswith("Send up to 6 measurements, one a line")
    done, edit = await tg.send(OLGA, "Length / Uzunluq / Длина, m\nWidth / En / Ширина")
    assert done.text == "Measurements «Room» added."
    assert isinstance(edit, EditMessageText) and edit.message_id == HOME
    assert edit.text.splitlines()[-1] == (
        "• <b>Room</b>: Length (m) <code>length</code>, Width (m) <code>width</code>"
    )


async def test_sales_settings_switch_vat_and_take_a_typed_limit(tg: Harness) -> None:
    [screen] = without_answers(await tg.press(OLGA, "ca:s:0", message_id=HOME))
    assert screen.text.splitlines()[:3] == [
        "<b>Sales settings</b>",
        "🧾 Prices include VAT.",
        "The switch applies to items added from now on; requests that already have items keep "
        "counting VAT as they did.",
    ]
    assert buttons(screen) == [
        [("🧾 VAT included in prices: on", "ca:t:0")],
        [("🏷 Managers' discount limit: 10%", "ca:l:0")],
        [("« Catalog", HOME_DATA)],
    ]
    calls = await tg.press(OLGA, "ca:t:0", message_id=HOME)
    assert answer_of(calls).text == "VAT is now added on top of prices."
    assert buttons(without_answers(calls)[0])[0] == [("🧾 VAT included in prices: off", "ca:t:1")]
    # The same press again (a double tap, an old screen) asks the same: VAT stays on top.
    await tg.press(OLGA, "ca:t:0", message_id=HOME)
    async with tg.app.sessions() as session:
        assert (await session.get_one(SalesSettings, 1)).vat_included is False
    [ask] = without_answers(await tg.press(OLGA, "ca:l:0", message_id=HOME))
    assert ask.text.startswith("Now: 10%. Send the largest discount in percent")
    [bad] = await tg.send(OLGA, "150")
    assert bad.text == "Send a percent from 0 to 100, like 10; or /cancel."
    done, edit = await tg.send(OLGA, "7.5%")
    assert done.text == "Managers' discount limit: 7.5%."
    assert isinstance(edit, EditMessageText) and edit.message_id == HOME
    assert buttons(edit)[1] == [("🏷 Managers' discount limit: 7.5%", "ca:l:0")]
    async with tg.app.sessions() as session:
        row = await session.get_one(SalesSettings, 1)
    assert (row.vat_included, row.manager_discount_limit) == (False, Decimal("7.50"))
