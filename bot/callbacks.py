"""Inline-button payloads: short prefixes and ids only, well within 64 bytes."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class MenuAction(StrEnum):
    NEW = "n"
    MINE = "m"
    LANGUAGE = "l"


class MenuCb(CallbackData, prefix="m"):
    action: MenuAction


class LangCb(CallbackData, prefix="l"):
    code: str


class DealAction(StrEnum):
    TAKE = "t"
    REPLY = "r"


class DealCb(CallbackData, prefix="d"):
    action: DealAction
    deal_id: int


class TeamAction(StrEnum):
    OFF = "0"
    ON = "1"


class TeamCb(CallbackData, prefix="t"):
    action: TeamAction
    user_id: int
