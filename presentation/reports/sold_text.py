"""The report's "What was sold": the best-selling products and categories of the deals won in
the period, and each manager's best-selling product."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from presentation.reports.format import money
from presentation.units import measured
from services.catalog import name_in
from services.reports.sold import TOP_CATEGORIES, TOP_PRODUCTS, CategorySold, ProductSold, Sold

# Keeps the report's detail well within a message (4096), as its people section does.
MANAGERS_SHOWN = 15
NAME_SHOWN = 40


def section(sold: Sold, locale: str) -> str | None:
    """None when nothing with items was won in the period."""
    if sold.empty:
        return None
    currency = sold.currency
    lines = [_("<b>🛒 What was sold</b>")]
    for product in sold.overall.by_amount[:TOP_PRODUCTS]:
        lines.append(
            _("• {product}: {amount} · {quantity}").format(
                product=product_name(product, locale),
                amount=money(product.amount, currency, locale),
                quantity=measured(product.quantity, product.unit, locale),
            )
        )
    top = ", ".join(
        f"{category_name(c, locale)}: {money(c.amount, currency, locale)}"
        for c in sold.overall.categories[:TOP_CATEGORIES]
    )
    lines.append(_("• Top categories: {categories}").format(categories=top))
    if sold.managers:
        lines.append(_("<b>Each manager's best seller</b>"))
    for manager in sold.managers[:MANAGERS_SHOWN]:
        best = manager.ranking.by_amount[0]
        lines.append(
            _("• {manager}: {product} · {amount} · {quantity}").format(
                manager=escape(manager.name),
                product=product_name(best, locale),
                amount=money(best.amount, currency, locale),
                quantity=measured(best.quantity, best.unit, locale),
            )
        )
    if len(sold.managers) > MANAGERS_SHOWN:
        hidden = len(sold.managers) - MANAGERS_SHOWN
        lines.append(ngettext("…and {n} more", "…and {n} more", hidden).format(n=hidden))
    return "\n".join(lines)


def product_name(product: ProductSold, locale: str) -> str:
    return escape(shortened(name_in(product.names, locale)))


def category_name(category: CategorySold, locale: str) -> str:
    if category.names is None:
        return _("no category")
    return escape(shortened(name_in(category.names, locale)))


def shortened(name: str) -> str:
    return name if len(name) <= NAME_SHOWN else name[: NAME_SHOWN - 1] + "…"
