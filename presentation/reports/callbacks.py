"""Buttons of reports, exports, report lists and the owner's report settings: choices and
ids only, well within 64 bytes."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from presentation.callbacks import Number
from services.reports.lists import Section
from services.reports.periods import Choice, Span


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
