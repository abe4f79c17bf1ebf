"""Buttons of reminders, tasks, contracts and API tokens: ids only, well within 64 bytes."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.callbacks import Number
from services.moments import Preset


class RemindAction(StrEnum):
    MENU = "m"
    PRESET = "p"
    TYPE = "t"


class RemindCb(CallbackData, prefix="rm"):
    """Remind on a deal card: the choice of moments, one of them, or a typed one."""

    action: RemindAction
    deal_id: Number
    preset: Preset = Preset.HOUR


class TaskAction(StrEnum):
    DONE = "d"
    SNOOZE = "s"
    NOTE = "n"


class TaskCb(CallbackData, prefix="tk"):
    action: TaskAction
    task_id: Number
    preset: Preset = Preset.FIFTEEN_MINUTES


class ContractAction(StrEnum):
    EDIT = "e"
    RENEW = "r"
    DROP = "x"
    SNOOZE = "s"


class ContractCb(CallbackData, prefix="ct"):
    """EDIT carries a deal id (the card's button); the others a contract id."""

    action: ContractAction
    ref: Number


class TokenAction(StrEnum):
    CREATE = "c"
    REVOKE = "x"


class TokenCb(CallbackData, prefix="ak"):
    action: TokenAction
    token_id: Number = 0
