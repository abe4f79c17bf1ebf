"""Outbox rows of reminders, tasks given and done, missed calls, renewals and unreachable
managers, rendered at send time; a reminder that was done or moved meanwhile renders to
nothing. A notice is linked to its request, so that a Telegram reply to it goes to the
customer, only when it is about the customer: a missed call, a renewal, one's own reminder or
call-back; a task someone gave is talk among the team, and so is what is said in answer."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from aiogram.methods import SendMessage, TelegramMethod
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.i18n import ngettext
from sqlalchemy.ext.asyncio import AsyncSession

from presentation import contracts as contract_views
from presentation import task_giving as giving_views
from presentation import tasks as task_views
from services import contracts, tasks
from services.db.outbox import Outbox
from services.moments import local_today
from services.views import user_name

Rendered = list[tuple[TelegramMethod[Message], int | None]]
KINDS = (
    "task_due",
    "task_overdue",
    "task_given",
    "task_done",
    "missed_call",
    "renewal_due",
    "manager_unreachable",
)


def _message(
    chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> TelegramMethod[Message]:
    return SendMessage(chat_id=chat_id, text=text, reply_markup=markup)


async def render(
    session: AsyncSession, row: Outbox, zone: ZoneInfo, locale: str, now: datetime
) -> Rendered:
    payload = row.payload
    if row.kind == "manager_unreachable":
        moved = int(payload["moved"])
        text = ngettext(
            "⚠️ {name} has blocked the bot and gets no notifications. "
            "{n} open request was handed over to others.",
            "⚠️ {name} has blocked the bot and gets no notifications. "
            "{n} open requests were handed over to others.",
            moved,
        ).format(name=escape(await user_name(session, payload["user_id"])), n=moved)
        return [(_message(row.chat_id, text), None)]
    if row.kind == "renewal_due":
        contract = await contracts.view(session, payload["contract_id"])
        if contract.status != contracts.ACTIVE:
            return []
        today = local_today(now, zone)
        text = contract_views.reminder_text(contract, today, locale)
        keyboard = contract_views.reminder_keyboard(contract)
        return [(_message(row.chat_id, text, keyboard), contract.deal_id)]
    task = await tasks.view(session, payload["task_id"])
    if row.kind == "missed_call":
        text = task_views.missed_call_text(task, zone, locale)
        markup: InlineKeyboardMarkup | None = None
        if task.deal_id is not None:
            markup = InlineKeyboardMarkup(
                inline_keyboard=[[task_views.open_deal_button(task.deal_id)]]
            )
        return [(_message(row.chat_id, text, markup), task.deal_id)]
    if row.kind == "task_done":
        by = await user_name(session, payload["by"])
        return [(_message(row.chat_id, giving_views.done_notice(task, by)), None)]
    if task.done:
        return []
    if row.kind == "task_given":
        text = giving_views.handed_text(task, zone, locale)
        markup = giving_views.handed_keyboard(task)
        return [(_message(row.chat_id, text, markup), None)]
    if row.kind == "task_overdue":
        after = timedelta(seconds=int(payload["after"]))
        return [(_message(row.chat_id, task_views.overdue_text(task, after, locale)), None)]
    if task.version != payload.get("version", task.version) or task.due_at > now:
        return []  # snoozed after this notice was queued: another comes when due
    return [
        (
            _message(
                row.chat_id,
                task_views.due_text(task, bool(payload.get("theirs"))),
                task_views.due_keyboard(task),
            ),
            None if task.given else task.deal_id,
        )
    ]
