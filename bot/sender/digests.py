"""Digests rendered at send time from their outbox row.

The chart is drawn at send time from the stored period rather than stored as PNG bytes: the
outbox payload stays small JSON, and the figures are computed "as of" the moment the digest
fell due (the row's created_at), so a retried send shows the same numbers."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram.methods import SendMessage, SendPhoto, TelegramMethod
from aiogram.types import BufferedInputFile, Message
from sqlalchemy.ext.asyncio import AsyncSession

from presentation.reports import charts, text
from presentation.reports import keyboards as report_keyboards
from services.db.outbox import Outbox
from services.reports import digest, periods
from services.reports.report import build


async def render(
    session: AsyncSession, row: Outbox, zone: ZoneInfo, locale: str, currency: str
) -> list[TelegramMethod[Message]]:
    wanted = await digest.queued(session, row.chat_id, row.payload)
    period = periods.period(wanted.span, wanted.first, zone, row.created_at)
    report = await build(session, period, wanted.sla, row.created_at)
    # No connection is held while the chart is drawn (on SQLite the bot has one, and every
    # update would wait): what the chats rendered so far wrote is committed now.
    await session.commit()
    png = await charts.render(report, locale)
    return [
        SendPhoto(
            chat_id=row.chat_id,
            photo=BufferedInputFile(png, filename=f"report-{period.first.isoformat()}.png"),
            caption=text.summary(report, currency, locale),
        ),
        SendMessage(
            chat_id=row.chat_id,
            text=text.detail(report, currency, locale),
            reply_markup=report_keyboards.sections(period),
        ),
    ]
