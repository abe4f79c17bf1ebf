"""What the owner is told of a merge of two customers and of its undo, and the undo's button."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from presentation.callbacks import Number
from presentation.deals.card import Reader
from presentation.deals.matches import customer_label
from presentation.render import when
from services.merge import Merged, Named
from services.unmerge import Undone, undo_until


class UnmergeCb(CallbackData, prefix="mu"):
    merge_id: Number


def merged_text(merged: Merged, reader: Reader) -> str:
    return _("🔗 {customer} merged into {into}. You can undo it until {time}.").format(
        customer=_who(merged.customer),
        into=_who(merged.into),
        time=when(undo_until(reader.now), reader.zone, reader.locale),
    )


def undo_keyboard(merge_id: int) -> InlineKeyboardMarkup:
    data = UnmergeCb(merge_id=merge_id).pack()
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=_("↩️ Undo"), callback_data=data)]]
    )


def undone_text(undone: Undone) -> str:
    shown = _("↩️ Merge undone: {customer} and {into} are two customers again.").format(
        customer=_who(undone.customer), into=_who(undone.into)
    )
    if not undone.deals:
        return shown
    numbers = ", ".join(f"#{deal_id}" for deal_id in undone.deals)
    back = ngettext(
        "Request {numbers} is {customer}'s again.",
        "Requests {numbers} are {customer}'s again.",
        len(undone.deals),
    ).format(numbers=numbers, customer=_who(undone.customer))
    return f"{shown}\n{back}"


def _who(named: Named) -> str:
    return f"<b>{customer_label(named.name, named.phone)}</b>"
