"""The owner keeps the catalog from /catalog: ➕ Product, a product's card and its buttons,
categories, measurements and sales settings; a manager's forged presses are refused."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import PhotoSize, Update
from sqlalchemy import select, update

from presentation.catalog import CatalogAction, CatalogCb
from services.db.catalog import Category, Product, SalesSettings
from tests.support.calls import answer_of, buttons, without_answers
from tests.support.deals import ANNA, OLGA, make_manager
from tests.support.harness import Harness

HOME = 960  # the /catalog message the owner's buttons are under
UNIT_QUESTION = 961  # the question whose unit buttons add the product
CARD = 962  # the product's card
HOME_DATA = CatalogCb(action=CatalogAction.HOME).pack()
UPDATES = itertools.count(10_000_000)
STALE = "This card was out of date, so nothing was changed. Here is the product as it is now."
CARD_ROWS = [
    [("✏️ Name", "pr:n:1:{v}:0"), ("🔢 Code", "pr:c:1:{v}:0")],
    [("💰 Price", "pr:p:1:{v}:0"), ("📏 Unit", "pr:u:1:{v}:0")],
    [("📂 Category", "pr:g:1:{v}:0"), ("🧾 VAT", "pr:t:1:{v}:0")],
    [("📦 Stock", "pr:k:1:{v}:0"), ("📷 Photo", "pr:f:1:{v}:0")],
    [("📐 Formula", "pr:m:1:{v}:0")],
    [("{active}", "pr:a:1:{v}:0")],
    [("« Back", "{back}")],
]


def card_rows(version: int, active: str = "🟢 Active", category: int = 0) -> list[Any]:
    back = CatalogCb(action=CatalogAction.CATEGORY, arg=category).pack()
    return [
        [(text.format(active=active), data.format(v=version, back=back)) for text, data in row]
        for row in CARD_ROWS
    ]


async def stored(tg: Harness, product_id: int = 1) -> Product:
    async with tg.app.sessions() as session:
        return await session.get_one(Product, product_id)


async def send_photo(tg: Harness, sizes: list[tuple[str, int]]) -> list[Any]:
    """The owner sends a photo in these sizes (file id, width; 3:4), as Telegram lists them."""
    photo = [
        PhotoSize(file_id=file_id, file_unique_id=file_id, width=width, height=width * 3 // 4)
        for file_id, width in sizes
    ]
    message = tg.message(OLGA).model_copy(update={"photo": photo})
    start = len(tg.recorder.calls)
    await tg.app.dispatcher.feed_update(
        tg.app.bot, Update(update_id=next(UPDATES), message=message)
    )
    return tg.recorder.calls[start:]


async def add_laminate(tg: Harness) -> EditMessageText:
    """Through ➕ Product: the name in three languages, the price, then m² with its button."""
    await tg.press(OLGA, "ca:p:0", message_id=HOME)
    await tg.send(OLGA, "Laminate Oak / Laminat Palıd / Ламинат Дуб")
    await tg.send(OLGA, "1,500.50")
    [card] = without_answers(await tg.press(OLGA, "ca:u:2", message_id=UNIT_QUESTION))
    assert isinstance(card, EditMessageText)
    return card


async def test_the_owner_adds_a_product_and_sees_its_card(tg: Harness) -> None:
    [catalog] = await tg.send(OLGA, "/catalog")
    assert buttons(catalog)[:3] == [
        [("➕ Product", "ca:p:0"), ("➕ Category", "ca:c:0")],
        [("🗂 Categories", "ca:g:0"), ("📐 Measurements", "ca:m:0")],
        [("⚙️ Sales settings", "ca:s:0")],
    ]
    [ask_name] = without_answers(await tg.press(OLGA, "ca:p:0", message_id=HOME))
    assert ask_name.text == (
        "Send the new product's name in English, Azerbaijani and Russian, like "
        "Laminate / Laminat / Ламинат, or one name for all. /cancel to stop."
    )
    [too_many] = await tg.send(OLGA, "a / b / c / d")
    assert too_many.text.startswith("A name is 1 to 128 characters;")
    [ask_price] = await tg.send(OLGA, "Laminate Oak / Laminat Palıd / Ламинат Дуб")
    assert ask_price.text == "Send its price, like 25 or 1,500.50. /cancel to stop."
    [bad] = await tg.send(OLGA, "cheap")
    assert bad.text.startswith("That doesn't look like a price.")
    [ask_unit] = await tg.send(OLGA, "1,500.50")
    assert ask_unit.text == "What is it sold by?"
    assert buttons(ask_unit) == [
        [("pcs", "ca:u:0"), ("m", "ca:u:1"), ("m²", "ca:u:2"), ("m³", "ca:u:3")],
        [("kg", "ca:u:4"), ("l", "ca:u:5"), ("h", "ca:u:6"), ("set", "ca:u:7")],
    ]
    async with tg.app.sessions() as session:
        assert (await session.scalars(select(Product))).all() == []
    calls = await tg.press(OLGA, "ca:u:2", message_id=UNIT_QUESTION)
    assert answer_of(calls).text == "Product added."
    [card] = without_answers(calls)
    assert isinstance(card, EditMessageText) and card.message_id == UNIT_QUESTION
    assert card.text.splitlines() == [
        "<b>Laminate Oak</b>",
        "💰 AZN1,500.50 per m²",
        "No VAT",
    ]
    assert buttons(card) == card_rows(1)
    # The same card as /catalog shows it.
    browse = CatalogCb(action=CatalogAction.PRODUCT, arg=1).pack()
    [browsed] = without_answers(await tg.press(OLGA, browse, message_id=CARD))
    assert (browsed.text, buttons(browsed)) == (card.text, buttons(card))
    product = await stored(tg)
    assert product.names == {"en": "Laminate Oak", "az": "Laminat Palıd", "ru": "Ламинат Дуб"}
    assert product.price == Decimal("1500.50") and isinstance(product.price, Decimal)
    assert (product.unit, product.active, product.version) == ("m2", True, 1)
    # The step is over: a second press of the unit adds nothing.
    calls = await tg.press(OLGA, "ca:u:2", message_id=UNIT_QUESTION)
    assert answer_of(calls).text.startswith("I no longer know what that answer was for")
    async with tg.app.sessions() as session:
        assert len((await session.scalars(select(Product))).all()) == 1


async def test_the_price_is_typed_and_a_bad_one_changes_nothing(tg: Harness) -> None:
    await add_laminate(tg)
    [ask] = without_answers(await tg.press(OLGA, "pr:p:1:1:0", message_id=CARD))
    assert ask.text == (
        "Send the price of Laminate Oak per m², like 25 or 1,500.50. /cancel to stop."
    )
    [bad] = await tg.send(OLGA, "25 manat")
    assert bad.text == (
        "That doesn't look like a price. Send a number like 25 or 1,500.50; nothing was changed."
    )
    product = await stored(tg)
    assert (product.price, product.version) == (Decimal("1500.50"), 1)
    edit, done = await tg.send(OLGA, "25")
    assert isinstance(edit, EditMessageText) and (edit.chat_id, edit.message_id) == (OLGA.id, CARD)
    assert edit.text.splitlines()[1] == "💰 AZN25.00 per m²"
    assert buttons(edit) == card_rows(2)
    assert isinstance(done, SendMessage) and done.text == "Price saved."
    product = await stored(tg)
    assert (product.price, product.version) == (Decimal("25.00"), 2)


async def test_name_code_vat_stock_and_photo_are_typed_or_sent(tg: Harness) -> None:
    await add_laminate(tg)
    [ask] = without_answers(await tg.press(OLGA, "pr:n:1:1:0", message_id=CARD))
    assert ask.text.splitlines() == [
        "Now: Laminate Oak / Laminat Palıd / Ламинат Дуб",
        "Send the new name in English, Azerbaijani and Russian, like Laminate / Laminat / "
        "Ламинат, or one name for all. /cancel to stop.",
    ]
    _, done = await tg.send(OLGA, "Laminate Walnut / Laminat Qoz / Ламинат Орех")
    assert done.text == "Name saved."
    await tg.press(OLGA, "pr:c:1:2:0", message_id=CARD)
    [bad] = await tg.send(OLGA, "LAM 8")
    assert bad.text.startswith("A code is up to 32 letters")
    _, done = await tg.send(OLGA, "LAM-8")
    assert done.text == "Code saved."
    await tg.press(OLGA, "pr:t:1:3:0", message_id=CARD)
    [bad] = await tg.send(OLGA, "120")
    assert bad.text.startswith("Send the VAT rate in percent")
    _, done = await tg.send(OLGA, "18")
    assert done.text == "VAT saved."
    await tg.press(OLGA, "pr:k:1:4:0", message_id=CARD)
    edit, done = await tg.send(OLGA, "120.5")
    assert done.text == "Stock saved."
    assert edit.text.splitlines() == [
        "<b>Laminate Walnut</b>",
        "Code: LAM-8",
        "💰 AZN1,500.50 per m²",
        "VAT: 18%",
        "📦 In stock: 120.5 m²",
    ]
    [ask] = without_answers(await tg.press(OLGA, "pr:f:1:5:0", message_id=CARD))
    assert ask.text == "Send a photo of Laminate Walnut. /cancel to stop."
    [hint] = await tg.send(OLGA, "here it is")
    assert hint.text == "Please send a photo, or - to remove it; or /cancel."
    _, done = await send_photo(tg, [("PHOTO-S", 90), ("PHOTO-L", 1280), ("PHOTO-M", 320)])
    assert done.text == "Photo saved."
    product = await stored(tg)
    assert product.names == {"en": "Laminate Walnut", "az": "Laminat Qoz", "ru": "Ламинат Орех"}
    assert (product.code, product.vat_rate, product.stock, product.photo_file_id) == (
        "LAM-8",
        Decimal("18.00"),
        Decimal("120.500"),
        "PHOTO-L",
    )
    [ask] = without_answers(await tg.press(OLGA, "pr:f:1:6:0", message_id=CARD))
    assert ask.text == (
        "Send a new photo of Laminate Walnut, or - to remove the one it has. /cancel to stop."
    )
    _, done = await tg.send(OLGA, "-")
    assert done.text == "Photo removed."
    assert (await stored(tg)).photo_file_id is None


async def test_a_press_on_an_old_card_changes_nothing(tg: Harness) -> None:
    await add_laminate(tg)
    calls = await tg.press(OLGA, "pr:a:1:1:0", message_id=CARD)
    assert answer_of(calls).text == "Switched off: managers don't see it."
    [edit] = without_answers(calls)
    assert edit.text.splitlines()[-1] == "⚪ Switched off: managers don't see it"
    assert buttons(edit) == card_rows(2, "⚪ Switched off")
    # The same button again, as the card under it was before: nothing changes.
    calls = await tg.press(OLGA, "pr:a:1:1:0", message_id=CARD)
    assert answer_of(calls).text == STALE
    [now] = without_answers(calls)
    assert buttons(now) == card_rows(2, "⚪ Switched off")
    calls = await tg.press(OLGA, "pr:ut:1:1:0", message_id=CARD)
    assert answer_of(calls).text == STALE
    product = await stored(tg)
    assert (product.active, product.unit, product.version) == (False, "m2", 2)
    # A price typed for a card the product has changed since is not saved either.
    await tg.press(OLGA, "pr:p:1:2:0", message_id=CARD)
    async with tg.app.sessions() as session:
        await session.execute(update(Product).values(version=3))
        await session.commit()
    edit, said = await tg.send(OLGA, "30")
    assert isinstance(edit, EditMessageText) and buttons(edit) == card_rows(3, "⚪ Switched off")
    assert said.text == STALE
    assert (await stored(tg)).price == Decimal("1500.50")


async def test_the_unit_is_picked_with_buttons(tg: Harness) -> None:
    await add_laminate(tg)
    [units] = without_answers(await tg.press(OLGA, "pr:u:1:1:0", message_id=CARD))
    assert units.text == "What is Laminate Oak sold by?"
    assert buttons(units) == [
        [
            ("pcs", "pr:ut:1:1:0"),
            ("m", "pr:ut:1:1:1"),
            ("✓ m²", "pr:ut:1:1:2"),
            ("m³", "pr:ut:1:1:3"),
        ],
        [
            ("kg", "pr:ut:1:1:4"),
            ("l", "pr:ut:1:1:5"),
            ("h", "pr:ut:1:1:6"),
            ("set", "pr:ut:1:1:7"),
        ],
        [("« Back", "pr:s:1:1:0")],
    ]
    calls = await tg.press(OLGA, "pr:ut:1:1:0", message_id=CARD)
    assert answer_of(calls).text == "Sold by pcs now."
    assert "💰 AZN1,500.50 per pcs" in without_answers(calls)[0].text.splitlines()
    assert (await stored(tg)).unit == "piece"


async def test_a_managers_forged_presses_are_refused(tg: Harness) -> None:
    await add_laminate(tg)
    await tg.press(OLGA, "ca:c:0", message_id=HOME)
    await tg.send(OLGA, "Floors")
    await make_manager(tg, ANNA.id, "Anna")
    for data in ("pr:a:1:1:0", "pr:p:1:1:0", "pr:u:1:1:0", "ca:x:1", "ca:t:0", "ca:p:0"):
        calls = await tg.press(ANNA, data, message_id=CARD)
        assert without_answers(calls) == [], data
        assert answer_of(calls).text == "Sorry, you can't do that.", data
    product = await stored(tg)
    assert (product.active, product.version) == (True, 1)
    async with tg.app.sessions() as session:
        category = await session.get_one(Category, 1)
        assert category.deleted_at is None
        assert await session.get(SalesSettings, 1) is None


async def test_deleting_a_category_leaves_its_products_without_one(tg: Harness) -> None:
    await add_laminate(tg)
    [ask] = without_answers(await tg.press(OLGA, "ca:c:0", message_id=HOME))
    assert ask.text.startswith("Send the category's name in English, Azerbaijani and Russian")
    done, edit = await tg.send(OLGA, "Floors / Döşəmə / Полы")
    assert done.text == "Category added."
    assert isinstance(edit, EditMessageText) and edit.message_id == HOME
    assert buttons(edit) == [
        [("📂 Floors (0)", "ca:v:1")],
        [("➕ Category", "ca:c:0")],
        [("« Catalog", HOME_DATA)],
    ]
    [picker] = without_answers(await tg.press(OLGA, "pr:g:1:1:0", message_id=CARD))
    assert picker.text == "Which category is Laminate Oak in?"
    assert buttons(picker) == [
        [("Floors", "pr:gt:1:1:1")],
        [("✓ No category", "pr:gt:1:1:0")],
        [("« Back", "pr:s:1:1:0")],
    ]
    calls = await tg.press(OLGA, "pr:gt:1:1:1", message_id=CARD)
    assert answer_of(calls).text == "Category: Floors."
    [card] = without_answers(calls)
    assert "📂 Floors" in card.text.splitlines()
    assert buttons(card) == card_rows(2, category=1)
    await tg.press(OLGA, "ca:r:1", message_id=HOME)
    done, edit = await tg.send(OLGA, "Floor / Döşəmə / Пол")
    assert done.text == "Category renamed."
    assert edit.text.splitlines() == [
        "<b>📂 Floor</b>",
        "English: Floor",
        "Azərbaycanca: Döşəmə",
        "Русский: Пол",
        "1 product",
    ]
    [confirm] = without_answers(await tg.press(OLGA, "ca:d:1", message_id=HOME))
    assert confirm.text == "Delete the category Floor? Its 1 product stays, without a category."
    assert buttons(confirm) == [[("🗑 Yes, delete it", "ca:x:1")], [("« Keep it", "ca:v:1")]]
    calls = await tg.press(OLGA, "ca:x:1", message_id=HOME)
    assert answer_of(calls).text == "Category deleted; its products are left without a category."
    assert without_answers(calls)[0].text.splitlines() == ["<b>Categories</b>", "None yet."]
    product = await stored(tg)
    assert product.category_id is None
    async with tg.app.sessions() as session:
        assert (await session.get_one(Category, 1)).deleted_at is not None
