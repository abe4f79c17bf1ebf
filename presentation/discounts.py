"""A discount above a manager's limit, as the owners are asked about it and as the manager
hears the answer."""

from __future__ import annotations

from enum import StrEnum
from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from presentation.callbacks import Number
from presentation.deals.callbacks import DealOpenCb
from presentation.deals.card import Reader, discount_text, money
from services.catalog import name_in
from services.item_views import DealItems, DiscountView


class DiscountAction(StrEnum):
    APPROVE = "a"
    REFUSE = "r"


class DiscountCb(CallbackData, prefix="dz"):
    action: DiscountAction
    discount_id: Number


def _target(shown: DealItems, discount: DiscountView, locale: str) -> str:
    item = shown.item(discount.item_id) if discount.item_id else None
    if item is None:
        return _("the whole request")
    return escape(name_in(item.names, locale))


def asked_text(shown: DealItems, discount: DiscountView, reader: Reader, again: bool) -> str:
    """`again`: given within the limit, taken past it by a change to the items."""
    if again:
        text = _(
            "🏷 The items of request #{number} changed, and {name}'s discount on {target} "
            "is now above their limit: it is not counted until you approve it.\n{discount}\n"
            "The request's total now: {total}."
        )
    else:
        text = _(
            "🏷 {name} asks for a discount above their limit on request #{number}, "
            "on {target}: {discount}.\nThe request's total now: {total}."
        )
    return text.format(
        name=escape(discount.by or "?"),
        number=shown.deal_id,
        target=_target(shown, discount, reader.locale),
        discount=discount_text(discount, reader),
        total=money(shown.totals.total, reader),
    )


def asked_keyboard(discount: DiscountView, deal_id: int) -> InlineKeyboardMarkup:
    approve = DiscountCb(action=DiscountAction.APPROVE, discount_id=discount.discount_id)
    refuse = DiscountCb(action=DiscountAction.REFUSE, discount_id=discount.discount_id)
    open_deal = DealOpenCb(deal_id=deal_id)
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=_("✅ Approve"), callback_data=approve.pack()),
                InlineKeyboardButton(text=_("✖ Refuse"), callback_data=refuse.pack()),
            ],
            [
                InlineKeyboardButton(
                    text=_("Open request #{number}").format(number=deal_id),
                    callback_data=open_deal.pack(),
                )
            ],
        ]
    )


def decided_text(deal_id: int, approved: bool, total: str) -> str:
    if approved:
        return _(
            "✅ The owner approved your discount on request #{number}. Its total: {total}."
        ).format(number=deal_id, total=total)
    return _("✖ The owner refused your discount on request #{number}.").format(number=deal_id)


def held_text(deal_id: int, total: str) -> str:
    return _(
        "⏳ The items of request #{number} changed, and your discount on it is now above your "
        "limit: it waits for the owner's approval. The request's total now: {total}."
    ).format(number=deal_id, total=total)
