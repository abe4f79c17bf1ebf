"""Texts and buttons of reminders and tasks, in the reader's language and the company zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from enum import StrEnum
from html import escape
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_timedelta

from presentation.callbacks import Number
from presentation.deals.callbacks import DealOpenCb
from presentation.render import when
from presentation.short import Button, back_label, first_keyboard, more_keyboard, more_label
from services.moments import Preset
from services.phones import display_phone
from services.tasks import CALLBACK, GIVEN, TaskView


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
    MORE = "m"
    BACK = "b"


class TaskCb(CallbackData, prefix="tk"):
    action: TaskAction
    task_id: Number
    preset: Preset = Preset.FIFTEEN_MINUTES


def who(name: str, phone: str | None) -> str:
    parts = [escape(name)] if name else []
    if phone:
        parts.append(display_phone(phone))
    return ", ".join(parts) or "—"


def label(task: TaskView, room: int | None = None) -> str:
    """What the task is; its note cut to `room` characters when given (a list of tasks must
    fit one message)."""
    note = task.note
    if room is not None and len(note) > room:
        note = note[: room - 1] + "…"
    if task.kind == GIVEN:
        return escape(note)
    if task.kind == CALLBACK:
        text = _("Call back {who}").format(who=who(task.customer_name, task.phone))
    else:
        text = _("Follow up with {who}").format(who=who(task.customer_name, task.phone))
    if note:
        text += f" — {escape(note)}"
    return text


def subject(task: TaskView) -> str:
    """The task, with its request when it is on one."""
    if task.deal_id is None:
        return label(task)
    return _("Request #{number}: {task}").format(number=task.deal_id, task=label(task))


def remind_picker(deal_id: int) -> InlineKeyboardMarkup:
    def preset(choice: Preset) -> str:
        return RemindCb(action=RemindAction.PRESET, deal_id=deal_id, preset=choice).pack()

    return moment_picker(preset, RemindCb(action=RemindAction.TYPE, deal_id=deal_id).pack())


def moment_picker(preset: Callable[[Preset], str], typed: str) -> InlineKeyboardMarkup:
    """The moments offered for a reminder or a task: each preset's data, and a typed one's."""

    def choice(text: str, choice: Preset) -> InlineKeyboardButton:
        return InlineKeyboardButton(text=text, callback_data=preset(choice))

    return InlineKeyboardMarkup(
        inline_keyboard=[
            [choice(_("In 1 hour"), Preset.HOUR), choice(_("In 3 hours"), Preset.THREE_HOURS)],
            [
                choice(_("Tomorrow 10:00"), Preset.TOMORROW),
                choice(_("Next Monday 10:00"), Preset.NEXT_MONDAY),
            ],
            [InlineKeyboardButton(text=_("⌨️ Another time…"), callback_data=typed)],
        ]
    )


def typed_prompt(deal_id: int, zone: ZoneInfo) -> str:
    return _(
        "When should I remind you about request #{number}? Send a date and time like "
        "25.12 15:00, 2026-12-25 15:00, 15:00 or tomorrow 10:00 ({zone} time). /cancel to stop."
    ).format(number=deal_id, zone=zone.key)


def reminder_set(task: TaskView, zone: ZoneInfo, locale: str) -> str:
    return _("⏰ I'll remind you about request #{number} on {time}.").format(
        number=task.deal_id, time=when(task.due_at, zone, locale)
    )


def note_button(task: TaskView) -> InlineKeyboardMarkup:
    data = TaskCb(action=TaskAction.NOTE, task_id=task.task_id).pack()
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=_("📝 Add a note"), callback_data=data)]]
    )


def open_deal_button(deal_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=_("📂 Open request #{number}").format(number=deal_id),
        callback_data=DealOpenCb(deal_id=deal_id).pack(),
    )


def due_text(task: TaskView, theirs: bool = False) -> str:
    """`theirs`: told to the owners in place of an assignee who has left the team, named."""
    if task.deal_id is None:
        lines = [f"⏰ {label(task)}"]
    else:
        lines = [
            _("⏰ <b>Request #{number}</b>: {task}").format(number=task.deal_id, task=label(task))
        ]
    if task.given:
        lines.append(_("From {name}").format(name=escape(task.giver_name)))
    if task.for_owners:
        lines.append(_("For the owners"))
    if theirs:
        lines.append(_("→ {name}").format(name=escape(task.assignee_name)))
    if task.kind == CALLBACK and task.calls > 1:
        lines.append(
            ngettext("{n} missed call", "{n} missed calls", task.calls).format(n=task.calls)
        )
    return "\n".join(lines)


def _task_button(
    task: TaskView, text: str, action: TaskAction, preset: Preset | None = None
) -> Button:
    data = TaskCb(action=action, task_id=task.task_id, preset=preset or Preset.FIFTEEN_MINUTES)
    return Button(text=text, callback_data=data.pack())


def _due_buttons(task: TaskView) -> tuple[list[Button], list[Button]]:
    """The buttons a due task shows first, and those behind ⋯ More."""
    first = [
        _task_button(task, _("✅ Done"), TaskAction.DONE),
        _task_button(task, _("💤 1 h"), TaskAction.SNOOZE, Preset.HOUR),
    ]
    if task.deal_id is not None:
        first.append(open_deal_button(task.deal_id))
    more = [
        _task_button(task, _("💤 15 min"), TaskAction.SNOOZE, Preset.FIFTEEN_MINUTES),
        _task_button(task, _("💤 Tomorrow"), TaskAction.SNOOZE, Preset.TOMORROW),
    ]
    return first, more


def due_keyboard(task: TaskView) -> InlineKeyboardMarkup:
    first, _more = _due_buttons(task)
    return first_keyboard(first, _task_button(task, more_label(), TaskAction.MORE))


def due_more_keyboard(task: TaskView) -> InlineKeyboardMarkup:
    _first, more = _due_buttons(task)
    return more_keyboard(more, _task_button(task, back_label(), TaskAction.BACK))


def done_text(task: TaskView) -> str:
    return due_text(task) + "\n" + _("✅ Done")


def snoozed_text(task: TaskView, zone: ZoneInfo, locale: str) -> str:
    return (
        due_text(task)
        + "\n"
        + _("💤 Snoozed until {time}").format(time=when(task.due_at, zone, locale))
    )


def overdue_text(task: TaskView, after: timedelta, locale: str) -> str:
    return _("⚠️ {name} has not done this for over {duration}:\n{task}").format(
        name=escape(task.assignee_name),
        duration=format_timedelta(after, locale=locale),
        task=subject(task),
    )


def missed_call_text(task: TaskView, zone: ZoneInfo, locale: str) -> str:
    lines = [
        _("📞 Missed call from {who} · request #{number}").format(
            who=who(task.customer_name, task.phone), number=task.deal_id
        ),
        _("Call back by {time}.").format(time=when(task.due_at, zone, locale)),
    ]
    if task.calls > 1:
        lines.append(
            ngettext("{n} missed call", "{n} missed calls", task.calls).format(n=task.calls)
        )
    return "\n".join(lines)
