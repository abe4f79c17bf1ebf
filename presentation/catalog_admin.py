"""The owner's editing of the catalog: the buttons under /catalog (➕ Product, ➕ Category,
🗂 Categories, 📐 Measurements, ⚙️ Sales settings, the catalog as a file), the data of their
buttons, the ➕ Product questions, and a product's card with a button for each attribute. Every
product button carries the version of the product its card showed, so a press on an
out-of-date card changes nothing. What those buttons show and ask is
presentation/catalog_products.py."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from babel.numbers import format_decimal

from presentation.callbacks import Number
from presentation.catalog import CatalogAction, CatalogCb, back_to_category, product_text
from presentation.catalog_files import file_buttons
from presentation.deals.card import Reader
from presentation.units import unit_name
from services.catalog import UNITS, CategoryView, ProductView, name_in


class AdminAction(StrEnum):
    NEW_PRODUCT = "p"
    NEW_UNIT = "u"
    NEW_CATEGORY = "c"
    CATEGORIES = "g"
    CATEGORY = "v"
    RENAME = "r"
    DELETE = "d"
    DELETE_SURE = "x"
    SETS = "m"
    NEW_SET = "n"
    SALES = "s"
    VAT = "t"
    LIMIT = "l"


class AdminCb(CallbackData, prefix="ca"):
    """The owner's catalog screens; `arg` is a category id or, for a new product's unit, its
    index in UNITS."""

    action: AdminAction
    arg: Number = 0


class ProductAction(StrEnum):
    SHOW = "s"
    NAME = "n"
    CODE = "c"
    PRICE = "p"
    UNITS = "u"
    UNIT = "ut"
    CATEGORIES = "g"
    CATEGORY = "gt"
    VAT = "t"
    STOCK = "k"
    PHOTO = "f"
    FORMULAS = "m"
    FORMULA = "mt"
    NO_FORMULA = "mx"
    ACTIVE = "a"


class ProductCb(CallbackData, prefix="pr"):
    """A product's card; `version` is the product's as the card showed it; `arg` a unit's
    index in UNITS, a category (0: none) or a measure set."""

    action: ProductAction
    product_id: Number
    version: Number
    arg: Number = 0


class Typed(StrEnum):
    """What an owner types for a product: the attribute it sets."""

    NAMES = "names"
    CODE = "code"
    PRICE = "price"
    VAT = "vat_rate"
    STOCK = "stock"
    PHOTO = "photo_file_id"


def admin_button(text: str, action: AdminAction, arg: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=AdminCb(action=action, arg=arg).pack())


def product_button(
    text: str, action: ProductAction, product: ProductView, arg: int = 0
) -> InlineKeyboardButton:
    data = ProductCb(
        action=action, product_id=product.product_id, version=product.version, arg=arg
    )
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def catalog_button() -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=_("« Catalog"), callback_data=CatalogCb(action=CatalogAction.HOME).pack()
    )


def home_rows() -> list[list[InlineKeyboardButton]]:
    """The owner's buttons under the categories of /catalog, the catalog as a file's last."""
    return [
        [
            admin_button(_("➕ Product"), AdminAction.NEW_PRODUCT),
            admin_button(_("➕ Category"), AdminAction.NEW_CATEGORY),
        ],
        [
            admin_button(_("🗂 Categories"), AdminAction.CATEGORIES),
            admin_button(_("📐 Measurements"), AdminAction.SETS),
        ],
        [admin_button(_("⚙️ Sales settings"), AdminAction.SALES)],
        *file_buttons(),
    ]


def product_rows(product: ProductView) -> list[list[InlineKeyboardButton]]:
    """The owner's buttons on a product's card."""
    active = _("🟢 Active") if product.active else _("⚪ Switched off")
    return [
        [
            product_button(_("✏️ Name"), ProductAction.NAME, product),
            product_button(_("🔢 Code"), ProductAction.CODE, product),
        ],
        [
            product_button(_("💰 Price"), ProductAction.PRICE, product),
            product_button(_("📏 Unit"), ProductAction.UNITS, product),
        ],
        [
            product_button(_("📂 Category"), ProductAction.CATEGORIES, product),
            product_button(_("🧾 VAT"), ProductAction.VAT, product),
        ],
        [
            product_button(_("📦 Stock"), ProductAction.STOCK, product),
            product_button(_("📷 Photo"), ProductAction.PHOTO, product),
        ],
        [product_button(_("📐 Formula"), ProductAction.FORMULAS, product)],
        [product_button(active, ProductAction.ACTIVE, product)],
    ]


def category_of(product: ProductView, categories: list[CategoryView], locale: str) -> str | None:
    for category in categories:
        if category.category_id == product.category_id:
            return name_in(category.names, locale)
    return None


def card(
    product: ProductView, categories: list[CategoryView], reader: Reader
) -> tuple[str, InlineKeyboardMarkup]:
    """A product's card as /catalog shows it to the owner: its text and its buttons."""
    text = product_text(product, category_of(product, categories, reader.locale), reader)
    rows = [*product_rows(product), [back_to_category(product, 0, 0)]]
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def stale_text() -> str:
    return _(
        "This card was out of date, so nothing was changed. Here is the product as it is now."
    )


def unit_labels(locale: str, current: str | None) -> list[tuple[str, int]]:
    """Each unit's label (✓ on the current one) and its index in UNITS."""
    return [
        (("✓ " if unit == current else "") + unit_name(unit, locale), index)
        for index, unit in enumerate(UNITS)
    ]


def in_rows(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def new_unit_keyboard(locale: str) -> InlineKeyboardMarkup:
    """The new product's unit."""
    buttons = [
        admin_button(text, AdminAction.NEW_UNIT, index)
        for text, index in unit_labels(locale, None)
    ]
    return InlineKeyboardMarkup(inline_keyboard=in_rows(buttons, 4))


def price_example(locale: str) -> str:
    return str(format_decimal(Decimal("1500.50"), format="#,##0.00", locale=locale))


def names_example() -> str:
    return "Laminate / Laminat / Ламинат"


def new_name_prompt() -> str:
    return _(
        "Send the new product's name in English, Azerbaijani and Russian, like {example}, "
        "or one name for all. /cancel to stop."
    ).format(example=names_example())


def new_price_prompt(locale: str) -> str:
    return _("Send its price, like 25 or {example}. /cancel to stop.").format(
        example=price_example(locale)
    )


def new_unit_prompt() -> str:
    return _("What is it sold by?")
