"""The owner's 🗂 Categories, reached from /catalog: the list, one category with its names
in each language (✏️ Rename, 🗑 Delete after a confirmation) and the question for a name."""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from presentation.catalog_admin import AdminAction, admin_button, catalog_button
from presentation.keyboards import LANGUAGES
from services.access import SUPPORTED_LOCALES
from services.catalog import CategoryView, name_in


def categories_text(categories: list[CategoryView]) -> str:
    lines = [_("<b>Categories</b>")]
    if not categories:
        lines.append(_("None yet."))
    else:
        lines.append(_("Pick one to rename or delete it."))
    return "\n".join(lines)


def categories_keyboard(categories: list[CategoryView], locale: str) -> InlineKeyboardMarkup:
    rows = [
        [
            admin_button(
                f"📂 {name_in(c.names, locale)} ({c.products})",
                AdminAction.CATEGORY,
                c.category_id,
            )
        ]
        for c in categories
    ]
    rows.append([admin_button(_("➕ Category"), AdminAction.NEW_CATEGORY)])
    rows.append([catalog_button()])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def category_detail_text(category: CategoryView, locale: str) -> str:
    lines = [f"<b>📂 {escape(name_in(category.names, locale))}</b>"]
    lines += [
        f"{LANGUAGES[code]}: {escape(category.names.get(code, ''))}" for code in SUPPORTED_LOCALES
    ]
    lines.append(
        ngettext("{n} product", "{n} products", category.products).format(n=category.products)
    )
    return "\n".join(lines)


def category_detail_keyboard(category: CategoryView) -> InlineKeyboardMarkup:
    cid = category.category_id
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                admin_button(_("✏️ Rename"), AdminAction.RENAME, cid),
                admin_button(_("🗑 Delete"), AdminAction.DELETE, cid),
            ],
            [admin_button(_("« Categories"), AdminAction.CATEGORIES)],
        ]
    )


def delete_text(category: CategoryView, locale: str) -> str:
    return ngettext(
        "Delete the category {name}? Its {n} product stays, without a category.",
        "Delete the category {name}? Its {n} products stay, without a category.",
        category.products,
    ).format(name=escape(name_in(category.names, locale)), n=category.products)


def delete_keyboard(category: CategoryView) -> InlineKeyboardMarkup:
    cid = category.category_id
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [admin_button(_("🗑 Yes, delete it"), AdminAction.DELETE_SURE, cid)],
            [admin_button(_("« Keep it"), AdminAction.CATEGORY, cid)],
        ]
    )


def category_name_prompt() -> str:
    return _(
        "Send the category's name in English, Azerbaijani and Russian, like "
        "Floors / Döşəmə / Полы, or one name for all. /cancel to stop."
    )
