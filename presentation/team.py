"""The owner's team list: buttons per member to deactivate or reactivate them and to open
their page, where the owner sets what assignment looks at (level, capacity, languages, tags,
working hours)."""

from __future__ import annotations

from enum import StrEnum
from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from presentation.callbacks import Number
from presentation.reports.format import day_name, schedule_text
from services.access import SUPPORTED_LOCALES
from services.reports.worktime import Schedule
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
        settings = MemberCb(action=MemberAction.SHOW, user_id=member.user_id)
        rows.append(
            [
                InlineKeyboardButton(
                    text=text, callback_data=TeamCb(action=action, user_id=member.user_id).pack()
                ),
                InlineKeyboardButton(
                    text=_("⚙️ {name}").format(name=member.name), callback_data=settings.pack()
                ),
            ]
        )
    return InlineKeyboardMarkup(inline_keyboard=rows)


class MemberAction(StrEnum):
    SHOW = "s"
    LEVEL = "l"
    CAPACITY = "c"
    LANGUAGE = "g"
    TAGS = "t"
    HOURS = "h"
    DAY = "d"
    COMPANY_HOURS = "w"
    BACK = "b"


class MemberCb(CallbackData, prefix="tm"):
    action: MemberAction
    user_id: Number
    code: str = ""


LANGUAGE_NAMES = {"en": "English", "az": "Azərbaycanca", "ru": "Русский"}


def capacity_text(capacity: int | None) -> str:
    return _("no limit") if capacity is None else str(capacity)


def hours_text(member: TeamMember, company: Schedule, locale: str) -> str:
    if member.hours is None:
        return _("Working hours: the company's, {hours}").format(
            hours=schedule_text(company, locale)
        )
    return _("Working hours: {hours}").format(hours=schedule_text(member.hours, locale))


def member_text(member: TeamMember, company: Schedule, locale: str) -> str:
    languages = ", ".join(LANGUAGE_NAMES[code] for code in member.languages)
    tags = " ".join(f"#{tag}" for tag in member.tags) or _("none")
    return "\n".join(
        [
            f"<b>{escape(member.name)}</b>",
            _("Level: {level}").format(level=member.level),
            _("Capacity (open requests at most): {capacity}").format(
                capacity=capacity_text(member.capacity)
            ),
            _("Languages served: {languages}").format(languages=languages),
            _("Tags: {tags}").format(tags=escape(tags)),
            hours_text(member, company, locale),
        ]
    )


def member_keyboard(member: TeamMember, company: Schedule, locale: str) -> InlineKeyboardMarkup:
    def button(text: str, action: MemberAction, code: str = "") -> InlineKeyboardButton:
        data = MemberCb(action=action, user_id=member.user_id, code=code)
        return InlineKeyboardButton(text=text, callback_data=data.pack())

    languages = [
        button(
            ("✅ " if code in member.languages else "▫️ ") + code.upper(),
            MemberAction.LANGUAGE,
            code,
        )
        for code in SUPPORTED_LOCALES
    ]
    schedule = member.hours or company
    days = [
        button(
            ("✅ " if day in schedule.days else "▫️ ") + day_name(day, locale),
            MemberAction.DAY,
            str(day),
        )
        for day in range(7)
    ]
    hours = [button(_("🕘 Hours"), MemberAction.HOURS)]
    if member.hours is not None:
        hours.append(button(_("↩ The company's hours"), MemberAction.COMPANY_HOURS))
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(_("🎖 Level"), MemberAction.LEVEL),
                button(_("📦 Capacity"), MemberAction.CAPACITY),
            ],
            languages,
            [button(_("🏷 Tags"), MemberAction.TAGS)],
            days[:4],
            days[4:],
            hours,
            [button(_("« Team"), MemberAction.BACK)],
        ]
    )
