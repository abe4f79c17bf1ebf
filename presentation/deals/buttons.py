"""The deal card's Remind and Contract buttons."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton
from aiogram.utils.i18n import gettext as _

from presentation.contracts import ContractAction, ContractCb
from presentation.tasks import RemindAction, RemindCb
from services.moments import Preset


def remind_button(deal_id: int) -> InlineKeyboardButton:
    data = RemindCb(action=RemindAction.MENU, deal_id=deal_id, preset=Preset.HOUR)
    return InlineKeyboardButton(text=_("⏰ Remind"), callback_data=data.pack())


def contract_button(deal_id: int) -> InlineKeyboardButton:
    data = ContractCb(action=ContractAction.EDIT, ref=deal_id)
    return InlineKeyboardButton(text=_("📄 Contract"), callback_data=data.pack())
