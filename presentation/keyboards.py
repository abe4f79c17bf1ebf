from __future__ import annotations

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from aiogram.utils.i18n import gettext as _

from presentation.callbacks import LangCb, MenuAction, MenuCb
from presentation.deals.callbacks import DealAction, DealCb

LANGUAGES = {"en": "English", "az": "Azərbaycanca", "ru": "Русский"}


def customer_menu() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=_("📝 New request"), callback_data=_cb(MenuAction.NEW))],
            [InlineKeyboardButton(text=_("📋 My requests"), callback_data=_cb(MenuAction.MINE))],
            [InlineKeyboardButton(text=_("🌐 Language"), callback_data=_cb(MenuAction.LANGUAGE))],
        ]
    )


def _cb(action: MenuAction) -> str:
    return MenuCb(action=action).pack()


def languages() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=name, callback_data=LangCb(code=code).pack())]
            for code, name in LANGUAGES.items()
        ]
    )


def phone_request() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=_("📱 Share my contact"), request_contact=True)],
            [KeyboardButton(text=skip_label())],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def skip_label() -> str:
    return _("Skip")


def reply_only(deal_id: int) -> InlineKeyboardMarkup:
    """Under relayed customer messages; the deal card itself lives in bot/deal_card.py."""
    reply = InlineKeyboardButton(
        text=_("↩️ Reply"), callback_data=DealCb(action=DealAction.REPLY, deal_id=deal_id).pack()
    )
    return InlineKeyboardMarkup(inline_keyboard=[[reply]])
