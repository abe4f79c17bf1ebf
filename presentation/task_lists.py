"""/tasks: one's open tasks (those one gave among them), and the owner's /tasks team."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from presentation.deals.callbacks import DealOpenCb
from presentation.render import when
from presentation.task_giving import new_task_button
from presentation.tasks import label
from services.tasks import TaskView

LIST_LIMIT = 20
# Of a task's note in a list: LIST_LIMIT lines fit one message.
NOTE_ROOM = 80


def assignee(task: TaskView) -> str:
    return escape(task.assignee_name) if not task.for_owners else _("the owners")


def _line(task: TaskView, now: datetime, zone: ZoneInfo, locale: str, viewer: int | None) -> str:
    """`viewer`: whose list it is (None: the team's, where everyone's name is said)."""
    mark = "⚠️" if task.overdue(now) else "⏰"
    moment = when(task.due_at, zone, locale)
    if task.deal_id is None:
        line = _("{mark} {time} · {task}").format(
            mark=mark, time=moment, task=label(task, NOTE_ROOM)
        )
    else:
        line = _("{mark} {time} · #{number} {task}").format(
            mark=mark, time=moment, number=task.deal_id, task=label(task, NOTE_ROOM)
        )
    if viewer is None or task.assignee_id != viewer:
        line += " " + _("→ {name}").format(name=assignee(task))
    if viewer is not None and task.given and task.giver_id != viewer:
        line += " " + _("(from {name})").format(name=escape(task.giver_name))
    return line


def _lines(
    title: str,
    tasks: list[TaskView],
    now: datetime,
    zone: ZoneInfo,
    locale: str,
    viewer: int | None,
) -> str:
    lines = [title]
    lines += [_line(task, now, zone, locale, viewer) for task in tasks[:LIST_LIMIT]]
    if len(tasks) > LIST_LIMIT:
        more = len(tasks) - LIST_LIMIT
        lines.append(ngettext("…and {n} more", "…and {n} more", more).format(n=more))
    return "\n".join(lines)


def task_list(
    tasks: list[TaskView], now: datetime, zone: ZoneInfo, locale: str, viewer: int
) -> str:
    if not tasks:
        return _("You have no open tasks.")
    return _lines(_("<b>Your tasks</b>"), tasks, now, zone, locale, viewer)


def team_list(tasks: list[TaskView], now: datetime, zone: ZoneInfo, locale: str) -> str:
    if not tasks:
        return _("Nobody in the team has open tasks.")
    return _lines(_("<b>The team's open tasks</b>"), tasks, now, zone, locale, None)


def task_list_keyboard(tasks: list[TaskView]) -> InlineKeyboardMarkup:
    deals = list(dict.fromkeys(t.deal_id for t in tasks[:LIST_LIMIT] if t.deal_id is not None))
    buttons = [
        InlineKeyboardButton(
            text=f"📂 #{deal_id}", callback_data=DealOpenCb(deal_id=deal_id).pack()
        )
        for deal_id in deals
    ]
    rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    return InlineKeyboardMarkup(inline_keyboard=[*rows, [new_task_button()]])
