"""The catalog's screens: categories, a category's products in pages, one product. The same
screens serve /catalog and a deal's 🛒 Items (then a product's button adds it to the deal)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from presentation.callbacks import Number
from presentation.deals.card import Reader, money
from presentation.units import quantity_text, unit_name
from services.catalog import CategoryView, ProductView, name_in

NO_CATEGORY = 0


class CatalogAction(StrEnum):
    HOME = "h"
    CATEGORY = "c"
    PRODUCT = "p"


class CatalogCb(CallbackData, prefix="cg"):
    """`deal_id` and `version` when the catalog is open to add to a deal (0 in /catalog);
    `arg` is a category (0: without one) or a product; `page` a page of a category."""

    action: CatalogAction
    deal_id: Number = 0
    version: Number = 0
    arg: Number = 0
    page: Number = 0


def product_name(names: Mapping[str, str], locale: str) -> str:
    return escape(name_in(names, locale))


def price_line(product: ProductView, reader: Reader) -> str:
    return _("{price} per {unit}").format(
        price=money(product.price, reader), unit=unit_name(product.unit, reader.locale)
    )


def home_text(deal_id: int) -> str:
    if deal_id:
        return _("<b>Request #{number}: add from the catalog</b>\nChoose a category.").format(
            number=deal_id
        )
    return _("<b>Catalog</b>\nChoose a category.")


def home_keyboard(
    found: list[CategoryView],
    without: int,
    deal_id: int,
    version: int,
    extra: list[list[InlineKeyboardButton]],
    locale: str,
) -> InlineKeyboardMarkup:
    rows = []
    for category in found:
        data = CatalogCb(
            action=CatalogAction.CATEGORY,
            deal_id=deal_id,
            version=version,
            arg=category.category_id,
        )
        label = f"📂 {name_in(category.names, locale)} ({category.products})"
        rows.append([InlineKeyboardButton(text=label, callback_data=data.pack())])
    if without:
        data = CatalogCb(action=CatalogAction.CATEGORY, deal_id=deal_id, version=version)
        label = _("📂 Without a category ({count})").format(count=without)
        rows.append([InlineKeyboardButton(text=label, callback_data=data.pack())])
    return InlineKeyboardMarkup(inline_keyboard=[*rows, *extra])


def page_text(
    category: str | None, products: list[ProductView], number: int, pages: int, reader: Reader
) -> str:
    title = escape(category) if category else _("Without a category")
    lines = [f"<b>{title}</b>"]
    if pages > 1:
        lines[0] += " " + _("(page {page} of {pages})").format(page=number + 1, pages=pages)
    if not products:
        lines.append(_("No products here yet."))
    for product in products:
        off = "" if product.active else " " + _("(switched off)")
        lines.append(
            f"• {product_name(product.names, reader.locale)}{off} · {price_line(product, reader)}"
        )
    return "\n".join(lines)


def page_keyboard(
    products: list[ProductView], cb: CatalogCb, pages: int, locale: str
) -> InlineKeyboardMarkup:
    rows = []
    for product in products:
        data = CatalogCb(
            action=CatalogAction.PRODUCT,
            deal_id=cb.deal_id,
            version=cb.version,
            arg=product.product_id,
        )
        rows.append(
            [
                InlineKeyboardButton(
                    text=name_in(product.names, locale)[:60], callback_data=data.pack()
                )
            ]
        )
    arrows = []
    if cb.page > 0:
        data = cb.model_copy(update={"page": cb.page - 1})
        arrows.append(InlineKeyboardButton(text=_("‹ Previous"), callback_data=data.pack()))
    if cb.page + 1 < pages:
        data = cb.model_copy(update={"page": cb.page + 1})
        arrows.append(InlineKeyboardButton(text=_("Next ›"), callback_data=data.pack()))
    home = CatalogCb(action=CatalogAction.HOME, deal_id=cb.deal_id, version=cb.version)
    back = [InlineKeyboardButton(text=_("« Categories"), callback_data=home.pack())]
    return InlineKeyboardMarkup(inline_keyboard=[*rows, *([arrows] if arrows else []), back])


def product_text(product: ProductView, category: str | None, reader: Reader) -> str:
    lines = [f"<b>{product_name(product.names, reader.locale)}</b>"]
    if product.code:
        lines.append(_("Code: {code}").format(code=escape(product.code)))
    lines.append(f"💰 {price_line(product, reader)}")
    if product.vat_rate is not None:
        lines.append(_("VAT: {rate}%").format(rate=quantity_text(product.vat_rate, reader.locale)))
    else:
        lines.append(_("No VAT"))
    if category:
        lines.append(f"📂 {escape(category)}")
    if product.stock is not None:
        lines.append(
            _("📦 In stock: {quantity} {unit}").format(
                quantity=quantity_text(product.stock, reader.locale),
                unit=unit_name(product.unit, reader.locale),
            )
        )
    if product.formula:
        lines.append(
            _("📐 Counted from measurements: {formula}").format(formula=escape(product.formula))
        )
    if not product.active:
        lines.append(_("⚪ Switched off: managers don't see it"))
    return "\n".join(lines)


def back_to_category(product: ProductView, deal_id: int, version: int) -> InlineKeyboardButton:
    data = CatalogCb(
        action=CatalogAction.CATEGORY,
        deal_id=deal_id,
        version=version,
        arg=product.category_id or NO_CATEGORY,
    )
    return InlineKeyboardButton(text=_("« Back"), callback_data=data.pack())
