"""The owner's team list: a button per member to deactivate or reactivate them."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from presentation.callbacks import Number
from services.users import TeamMember


class TeamAction(StrEnum):
    OFF = "0"
    ON = "1"


class TeamCb(CallbackData, prefix="t"):
    action: TeamAction
    user_id: Number


def team_keyboard(members: list[TeamMember]) -> InlineKeyboardMarkup:
    rows = []
    for member in members:
        if member.is_active:
            text = _("Deactivate {name}").format(name=member.name)
            action = TeamAction.OFF
        else:
            text = _("Reactivate {name}").format(name=member.name)
            action = TeamAction.ON
        rows.append(
            [
                InlineKeyboardButton(
                    text=text, callback_data=TeamCb(action=action, user_id=member.user_id).pack()
                )
            ]
        )
    return InlineKeyboardMarkup(inline_keyboard=rows)
