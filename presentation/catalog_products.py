"""What a product card's buttons show and ask the owner: the unit, category and
measurements pickers, the questions for what is typed (name, code, price, VAT, stock, a photo,
a formula) and the short confirmations once a change is saved."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from presentation.catalog import NO_CATEGORY, product_name
from presentation.catalog_admin import (
    ProductAction,
    Typed,
    category_of,
    in_rows,
    names_example,
    price_example,
    product_button,
    unit_labels,
)
from presentation.units import unit_name
from services.access import SUPPORTED_LOCALES
from services.catalog import CategoryView, MeasureSetView, ProductView, name_in
from services.formulas import FUNCTIONS


def _back(product: ProductView) -> list[InlineKeyboardButton]:
    return [product_button(_("« Back"), ProductAction.SHOW, product)]


def unit_keyboard(product: ProductView, locale: str) -> InlineKeyboardMarkup:
    buttons = [
        product_button(text, ProductAction.UNIT, product, index)
        for text, index in unit_labels(locale, product.unit)
    ]
    return InlineKeyboardMarkup(inline_keyboard=[*in_rows(buttons, 4), _back(product)])


def unit_text(product: ProductView, locale: str) -> str:
    return _("What is {name} sold by?").format(name=product_name(product.names, locale))


def category_text(product: ProductView, locale: str) -> str:
    return _("Which category is {name} in?").format(name=product_name(product.names, locale))


def category_keyboard(
    product: ProductView, categories: list[CategoryView], locale: str
) -> InlineKeyboardMarkup:
    rows = [
        [
            product_button(
                ("✓ " if c.category_id == product.category_id else "") + name_in(c.names, locale),
                ProductAction.CATEGORY,
                product,
                c.category_id,
            )
        ]
        for c in categories
    ]
    none = ("✓ " if product.category_id is None else "") + _("No category")
    rows.append([product_button(none, ProductAction.CATEGORY, product, NO_CATEGORY)])
    rows.append(_back(product))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def formula_text(product: ProductView, sets: list[MeasureSetView], locale: str) -> str:
    name = product_name(product.names, locale)
    lines = []
    if product.formula:
        lines.append(
            _("{name} is counted from measurements: {formula}").format(
                name=name, formula=f"<code>{escape(product.formula)}</code>"
            )
        )
    if sets:
        lines.append(_("Which measurements is its quantity counted from?"))
    else:
        lines.append(
            _("There are no measurements yet: add them with 📐 Measurements in /catalog.")
        )
    return "\n".join(lines)


def formula_keyboard(
    product: ProductView, sets: list[MeasureSetView], locale: str
) -> InlineKeyboardMarkup:
    rows = [
        [
            product_button(
                ("✓ " if s.set_id == product.measure_set_id else "") + name_in(s.names, locale),
                ProductAction.FORMULA,
                product,
                s.set_id,
            )
        ]
        for s in sets
    ]
    if product.formula:
        rows.append([product_button(_("🚫 No formula"), ProductAction.NO_FORMULA, product)])
    rows.append(_back(product))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def example_formula(keys: list[str]) -> str:
    """`ceil(length * width * 1.1 / 2.2)` with the set's first two inputs."""
    return "ceil(" + " * ".join([*keys[:2], "1.1"]) + " / 2.2)"


def formula_prompt(product: ProductView, chosen: MeasureSetView, locale: str) -> str:
    lines = [
        _(
            "Send the formula that counts how many {unit} of {name} are needed from «{set}»:"
        ).format(
            unit=unit_name(product.unit, locale),
            name=product_name(product.names, locale),
            set=escape(name_in(chosen.names, locale)),
        )
    ]
    lines += [
        f"• <code>{i.key}</code>: {escape(name_in(i.names, locale))}, {unit_name(i.unit, locale)}"
        for i in chosen.inputs
    ]
    lines.append(_("Functions: {functions}.").format(functions=", ".join(FUNCTIONS)))
    lines.append(
        _("Like {example}. /cancel to stop.").format(
            example=f"<code>{example_formula(chosen.keys)}</code>"
        )
    )
    return "\n".join(lines)


def _names_line(names: Mapping[str, str]) -> str:
    return escape(" / ".join(names.get(code, "") for code in SUPPORTED_LOCALES))


def prompt(what: Typed, product: ProductView, locale: str) -> str:
    """What is asked when the owner presses one of the typed attributes' buttons."""
    name = product_name(product.names, locale)
    unit = unit_name(product.unit, locale)
    if what == Typed.NAMES:
        return _(
            "Now: {names}\nSend the new name in English, Azerbaijani and Russian, like "
            "{example}, or one name for all. /cancel to stop."
        ).format(names=_names_line(product.names), example=names_example())
    if what == Typed.CODE:
        return _("Send the code of {name}, like LAM-8; - clears it. /cancel to stop.").format(
            name=name
        )
    if what == Typed.PRICE:
        return _(
            "Send the price of {name} per {unit}, like 25 or {example}. /cancel to stop."
        ).format(name=name, unit=unit, example=price_example(locale))
    if what == Typed.VAT:
        return _(
            "Send the VAT rate of {name} in percent, like 18; - for no VAT. /cancel to stop."
        ).format(name=name)
    if what == Typed.STOCK:
        return _(
            "Send how many {unit} of {name} are in stock, like 120; - if it isn't counted. "
            "/cancel to stop."
        ).format(name=name, unit=unit)
    if product.photo_file_id:
        return _(
            "Send a new photo of {name}, or - to remove the one it has. /cancel to stop."
        ).format(name=name)
    return _("Send a photo of {name}. /cancel to stop.").format(name=name)


def photo_hint() -> str:
    return _("Please send a photo, or - to remove it; or /cancel.")


def saved_text(what: Typed, product: ProductView) -> str:
    """The short confirmation once a typed attribute is saved."""
    if what == Typed.NAMES:
        return _("Name saved.")
    if what == Typed.CODE:
        return _("Code saved.") if product.code else _("Code cleared.")
    if what == Typed.PRICE:
        return _("Price saved.")
    if what == Typed.VAT:
        return _("VAT saved.") if product.vat_rate is not None else _("VAT removed.")
    if what == Typed.STOCK:
        return _("Stock saved.") if product.stock is not None else _("Stock is no longer counted.")
    return _("Photo saved.") if product.photo_file_id else _("Photo removed.")


def unit_said(product: ProductView, locale: str) -> str:
    return _("Sold by {unit} now.").format(unit=unit_name(product.unit, locale))


def category_said(product: ProductView, categories: list[CategoryView], locale: str) -> str:
    name = category_of(product, categories, locale)
    if name is None:
        return _("It has no category now.")
    return _("Category: {name}.").format(name=name)


def formula_said(product: ProductView) -> str:
    if product.formula:
        return _("Formula saved.")
    return _("No formula now: managers type the quantity.")


def switched_text(product: ProductView) -> str:
    if product.active:
        return _("Switched on: managers see it.")
    return _("Switched off: managers don't see it.")
