"""Giving a task (/task, ➕ under /tasks, or 📌 Task on a deal card): what, to whom, when; and
what the one it is given to, and the one who gave it, are told."""

from __future__ import annotations

from enum import StrEnum
from html import escape
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from presentation.callbacks import Number
from presentation.render import when
from presentation.tasks import TaskAction, TaskCb, moment_picker, open_deal_button, subject
from services.moments import Preset
from services.task_giving import Teammate
from services.tasks import TaskView

# `arg` of WHO for the owners together (a person's id is never 0).
OWNERS = 0


class GiveAction(StrEnum):
    NEW = "n"
    DEAL = "d"
    WHO = "w"
    PRESET = "p"
    TYPE = "t"


class GiveCb(CallbackData, prefix="tw"):
    """`arg` is who the task goes to (WHO): a person's id, or OWNERS; the deal it is on (DEAL)."""

    action: GiveAction
    arg: Number = 0
    preset: Preset = Preset.HOUR


def new_task_button() -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=_("➕ New task"), callback_data=GiveCb(action=GiveAction.NEW).pack()
    )


def what_prompt(deal_id: int | None = None) -> str:
    if deal_id is None:
        return _("What is to be done? Write it in a few words. /cancel to stop.")
    return _(
        "What is to be done on request #{number}? Write it in a few words. /cancel to stop."
    ).format(number=deal_id)


def _task(note: str, deal_id: int | None) -> str:
    if deal_id is None:
        return escape(note)
    return _("Request #{number}: {task}").format(number=deal_id, task=escape(note))


def who_prompt(note: str, deal_id: int | None = None) -> str:
    return _("Who should do it?\n{task}").format(task=_task(note, deal_id))


def who_keyboard(me: int, teammates: list[Teammate]) -> InlineKeyboardMarkup:
    def to(text: str, arg: int) -> list[InlineKeyboardButton]:
        data = GiveCb(action=GiveAction.WHO, arg=arg).pack()
        return [InlineKeyboardButton(text=text, callback_data=data)]

    rows = [to(_("🙋 Me"), me)]
    rows += [to(f"👤 {mate.name}", mate.user_id) for mate in teammates]
    rows.append(to(_("👑 The owners"), OWNERS))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def when_prompt(note: str, deal_id: int | None = None) -> str:
    return _("When is it due?\n{task}").format(task=_task(note, deal_id))


def when_keyboard() -> InlineKeyboardMarkup:
    def preset(choice: Preset) -> str:
        return GiveCb(action=GiveAction.PRESET, preset=choice).pack()

    return moment_picker(preset, GiveCb(action=GiveAction.TYPE).pack())


def typed_prompt(zone: ZoneInfo) -> str:
    return _(
        "When is it due? Send a date and time like 25.12 15:00, 2026-12-25 15:00, 15:00 or "
        "tomorrow 10:00 ({zone} time). /cancel to stop."
    ).format(zone=zone.key)


def given_text(task: TaskView, me: int, zone: ZoneInfo, locale: str) -> str:
    due = when(task.due_at, zone, locale)
    if task.assignee_id == me:
        return _("⏰ I'll remind you on {time}:\n{task}").format(time=due, task=subject(task))
    if task.for_owners:
        return _("📌 Given to the owners, due {time}:\n{task}").format(
            time=due, task=subject(task)
        )
    return _("📌 Given to {name}, due {time}:\n{task}").format(
        name=escape(task.assignee_name), time=due, task=subject(task)
    )


def handed_text(task: TaskView, zone: ZoneInfo, locale: str) -> str:
    """What whoever the task is for is told when it is given."""
    due = when(task.due_at, zone, locale)
    if task.for_owners:
        text = _("📌 {name} gave the owners a task, due {time}:\n{task}")
    else:
        text = _("📌 {name} gave you a task, due {time}:\n{task}")
    return text.format(name=escape(task.giver_name), time=due, task=subject(task))


def handed_keyboard(task: TaskView) -> InlineKeyboardMarkup:
    done = TaskCb(action=TaskAction.DONE, task_id=task.task_id).pack()
    row = [InlineKeyboardButton(text=_("✅ Done"), callback_data=done)]
    if task.deal_id is not None:
        row.append(open_deal_button(task.deal_id))
    return InlineKeyboardMarkup(inline_keyboard=[row])


def done_notice(task: TaskView, by: str) -> str:
    """What whoever gave the task is told when someone else has done it."""
    return _("✅ {name} has done the task you gave:\n{task}").format(
        name=escape(by), task=subject(task)
    )
