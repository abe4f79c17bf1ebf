"""Digests pushed to owners: the sweep that queues them when due, and their rendering at send
time from the outbox row.

The chart is drawn at send time from the stored period rather than stored as PNG bytes: the
outbox payload stays small JSON, and the figures are computed "as of" the moment the digest
fell due (the row's created_at), so a retried send shows the same numbers."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from aiogram.methods import SendMessage, SendPhoto, TelegramMethod
from aiogram.types import BufferedInputFile, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot import charts, report_keyboards, report_text
from bot.settings import Settings
from services.db.models import Outbox
from services.reports import digest, periods
from services.reports.report import build
from services.reports.settings import OwnerSettings
from services.reports.worktime import parse_clock, parse_schedule

if TYPE_CHECKING:
    from bot.app import App

SWEEP_SECONDS = 60.0


def defaults_of(settings: Settings) -> OwnerSettings:
    """What an owner who never opened /settings gets, from the environment."""
    return OwnerSettings(
        daily=True,
        weekly=True,
        digest_at=parse_clock(settings.digest_time),
        sla_minutes=max(1, int(settings.response_sla / timedelta(minutes=1))),
        schedule=parse_schedule(settings.working_hours),
    )


async def send_digests(app: App) -> int:
    """The periodic sweep: queue every digest now due; the outbox sender delivers them."""
    async with app.sessions() as session:
        queued = await digest.queue_due(
            session,
            app.clock.now(),
            app.settings.zone,
            defaults_of(app.settings),
        )
    if queued:
        app.sender.wake()
    return queued


async def render(
    session: AsyncSession, row: Outbox, zone: ZoneInfo, locale: str, currency: str
) -> list[TelegramMethod[Message]]:
    wanted = await digest.queued(session, row.chat_id, row.payload)
    period = periods.period(wanted.span, wanted.first, zone, row.created_at)
    report = await build(session, period, wanted.sla, row.created_at)
    png = await charts.render(report, locale)
    return [
        SendPhoto(
            chat_id=row.chat_id,
            photo=BufferedInputFile(png, filename=f"report-{period.first.isoformat()}.png"),
            caption=report_text.summary(report, currency, locale),
        ),
        SendMessage(
            chat_id=row.chat_id,
            text=report_text.detail(report, currency, locale),
            reply_markup=report_keyboards.sections(period),
        ),
    ]
