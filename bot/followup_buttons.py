"""The deal card's Remind and Contract buttons."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton
from aiogram.utils.i18n import gettext as _

from bot.callbacks import data_button, packed
from bot.followup_callbacks import ContractAction, ContractCb, RemindAction, RemindCb
from services.moments import Preset


def remind_button(deal_id: int) -> InlineKeyboardButton:
    data = packed(RemindCb, RemindAction.MENU, deal_id, Preset.HOUR)
    return data_button(_("⏰ Remind"), data)


def contract_button(deal_id: int) -> InlineKeyboardButton:
    data = packed(ContractCb, ContractAction.EDIT, deal_id)
    return data_button(_("📄 Contract"), data)
