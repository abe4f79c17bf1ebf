"""The deal card's Remind, Task, Contract, Documents, Items and Customer buttons."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton
from aiogram.utils.i18n import gettext as _

from presentation.contracts import ContractAction, ContractCb
from presentation.customers.callbacks import CustomerAction, CustomerCb
from presentation.deals.callbacks import ItemAction, ItemCb
from presentation.documents.callbacks import DocAction, DocCb
from presentation.task_giving import GiveAction, GiveCb
from presentation.tasks import RemindAction, RemindCb
from services.moments import Preset


def remind_button(deal_id: int) -> InlineKeyboardButton:
    data = RemindCb(action=RemindAction.MENU, deal_id=deal_id, preset=Preset.HOUR)
    return InlineKeyboardButton(text=_("⏰ Remind"), callback_data=data.pack())


def task_button(deal_id: int) -> InlineKeyboardButton:
    """Gives someone who works on the deal a task on it."""
    data = GiveCb(action=GiveAction.DEAL, arg=deal_id)
    return InlineKeyboardButton(text=_("📌 Task"), callback_data=data.pack())


def contract_button(deal_id: int) -> InlineKeyboardButton:
    data = ContractCb(action=ContractAction.EDIT, ref=deal_id)
    return InlineKeyboardButton(text=_("📄 Contract"), callback_data=data.pack())


def items_button(deal_id: int, version: int) -> InlineKeyboardButton:
    data = ItemCb(action=ItemAction.LIST, deal_id=deal_id, version=version)
    return InlineKeyboardButton(text=_("🛒 Items"), callback_data=data.pack())


def documents_button(deal_id: int) -> InlineKeyboardButton:
    data = DocCb(action=DocAction.LIST, ref=deal_id)
    return InlineKeyboardButton(text=_("🗂 Documents"), callback_data=data.pack())


def customer_button(deal_id: int) -> InlineKeyboardButton:
    """Opens the card of the deal's customer."""
    data = CustomerCb(action=CustomerAction.DEAL, target=deal_id)
    return InlineKeyboardButton(text=_("👤 Customer"), callback_data=data.pack())
