"""Buttons of the reports: period choices, one per section, and the owner's settings."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from presentation.reports.callbacks import (
    ExportCb,
    ExportFormat,
    ReportCb,
    ReportListCb,
    SettingsAction,
    SettingsCb,
)
from presentation.reports.format import day_name
from services.reports.lists import Section
from services.reports.periods import Choice, Period
from services.reports.settings import OwnerSettings


def _button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def _pairs(buttons: list[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def choice_names() -> dict[Choice, str]:
    return {
        Choice.TODAY: _("Today"),
        Choice.YESTERDAY: _("Yesterday"),
        Choice.LAST_7: _("Last 7 days"),
        Choice.LAST_30: _("Last 30 days"),
        Choice.THIS_MONTH: _("This month"),
        Choice.PREVIOUS_MONTH: _("Previous month"),
    }


def report_choices() -> InlineKeyboardMarkup:
    buttons = [_button(text, ReportCb(choice=c)) for c, text in choice_names().items()]
    return InlineKeyboardMarkup(inline_keyboard=_pairs(buttons))


def export_choices(fmt: ExportFormat) -> InlineKeyboardMarkup:
    buttons = [_button(text, ExportCb(choice=c, fmt=fmt)) for c, text in choice_names().items()]
    return InlineKeyboardMarkup(inline_keyboard=_pairs(buttons))


def sections(period: Period) -> InlineKeyboardMarkup:
    names = {
        Section.NEW: _("📥 New requests"),
        Section.FUNNEL: _("🔻 Funnel"),
        Section.RESULTS: _("🏁 Won and lost"),
        Section.SPEED: _("⏱ Late answers"),
        Section.PEOPLE: _("👥 People"),
        Section.ATTENTION: _("🔔 Attention"),
    }
    buttons = [
        _button(text, ReportListCb(section=s, span=period.span, day=period.key))
        for s, text in names.items()
    ]
    return InlineKeyboardMarkup(inline_keyboard=_pairs(buttons))


def settings(chosen: OwnerSettings, locale: str) -> InlineKeyboardMarkup:
    daily = _("✅ Daily digest") if chosen.daily else _("▫️ Daily digest")
    weekly = _("✅ Weekly digest") if chosen.weekly else _("▫️ Weekly digest")
    days = [
        _button(
            ("✅ " if day in chosen.schedule.days else "▫️ ") + day_name(day, locale),
            SettingsCb(action=SettingsAction.DAY, day=day),
        )
        for day in range(7)
    ]
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _button(daily, SettingsCb(action=SettingsAction.DAILY)),
                _button(weekly, SettingsCb(action=SettingsAction.WEEKLY)),
            ],
            [
                _button(_("🕘 Digest time"), SettingsCb(action=SettingsAction.TIME)),
                _button(_("⏱ Response SLA"), SettingsCb(action=SettingsAction.SLA)),
            ],
            [_button(_("🏢 Working hours"), SettingsCb(action=SettingsAction.HOURS))],
            days[:4],
            days[4:],
        ]
    )
