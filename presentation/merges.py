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
from services.unmerge import MergeView, Undone, undo_until


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


def undoable_text(merges: list[MergeView], reader: Reader) -> str:
    if not merges:
        return _("No merge of customers in the last 24 hours is left to undo.")
    lines = [_("<b>Merges you can still undo</b>")]
    for number, shown in enumerate(merges, start=1):
        lines.append(
            _("{number}. {customer} merged into {into}, undo until {time}").format(
                number=number,
                customer=_who(shown.customer),
                into=_who(shown.into),
                time=when(undo_until(shown.merged_at), reader.zone, reader.locale),
            )
        )
    return "\n".join(lines)


def undoable_keyboard(merges: list[MergeView]) -> InlineKeyboardMarkup | None:
    if not merges:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("↩️ Undo {number}").format(number=number),
                    callback_data=UnmergeCb(merge_id=shown.merge_id).pack(),
                )
            ]
            for number, shown in enumerate(merges, start=1)
        ]
    )


def _who(named: Named) -> str:
    return f"<b>{customer_label(named.name, named.phone)}</b>"
