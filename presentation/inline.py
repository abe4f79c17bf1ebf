"""What inline mode offers as a manager types `@bot lam`: matching products in their language,
each sent to the chat with a ✅ Add button when the search was opened from a request's items."""

from __future__ import annotations

import re

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from aiogram.utils.i18n import gettext as _

from presentation.catalog import price_line, product_name
from presentation.deals.callbacks import ItemAction, ItemCb
from presentation.deals.card import Reader
from services.catalog import ProductView, name_in
from services.ids import is_id

# "#12 lam": the search for request #12's items, as its 🔎 Find button opens it.
FOR_DEAL = re.compile(r"^#(\d{1,10})\s*(.*)$", re.DOTALL)


def for_deal(query: str) -> tuple[int | None, str]:
    """The request a search is for, if any (a number no request can have: none), and what is
    searched for."""
    found = FOR_DEAL.match(query.strip())
    if found is None:
        return None, query
    number = int(found.group(1))
    return (number if is_id(number) else None), found.group(2)


def result(
    product: ProductView, reader: Reader, deal_id: int | None, version: int
) -> InlineQueryResultArticle:
    name = name_in(product.names, reader.locale)
    details = price_line(product, reader)
    if product.code:
        details = f"{product.code} · {details}"
    text = f"🛒 {product_name(product.names, reader.locale)}\n{details}"
    markup = None
    if deal_id is not None:
        add = ItemCb(
            action=ItemAction.PICK, deal_id=deal_id, version=version, arg=product.product_id
        )
        label = _("✅ Add to request #{number}").format(number=deal_id)
        markup = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text=label, callback_data=add.pack())]]
        )
    return InlineQueryResultArticle(
        id=str(product.product_id),
        title=name[:120],
        description=details,
        input_message_content=InputTextMessageContent(message_text=text, parse_mode="HTML"),
        reply_markup=markup,
    )
