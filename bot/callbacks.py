"""Inline-button payloads: short prefixes and ids only, well within 64 bytes. Button data can be
forged: a number out of range does not match its button's filter, and the press gets the
fallback's answer."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from services.ids import MAX_ID
from services.reports.lists import Section
from services.reports.periods import Choice, Span

# An id, version, page or index: 0 (none) up to the largest id the database holds.
Number = Annotated[int, Field(ge=0, le=MAX_ID)]


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
    deal_id: Number


class TeamAction(StrEnum):
    OFF = "0"
    ON = "1"


class TeamCb(CallbackData, prefix="t"):
    action: TeamAction
    user_id: Number


class ExportFormat(StrEnum):
    XLSX = "x"
    CSV = "c"


class ReportCb(CallbackData, prefix="rp"):
    choice: Choice


class ExportCb(CallbackData, prefix="rx"):
    choice: Choice
    fmt: ExportFormat


class ReportListCb(CallbackData, prefix="rl"):
    section: Section
    span: Span
    day: Number  # the period's first day as yyyymmdd


class SettingsAction(StrEnum):
    DAILY = "d"
    WEEKLY = "w"
    TIME = "t"
    SLA = "s"
    HOURS = "h"
    DAY = "wd"


class SettingsCb(CallbackData, prefix="rs"):
    action: SettingsAction
    day: Number = 0
