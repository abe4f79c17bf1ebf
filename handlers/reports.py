"""Owners' reports on demand: /report (chart, summary, detail, a list per section) and /export."""

from __future__ import annotations

import asyncio

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.settings import Settings, defaults_of
from presentation.reports import charts, keyboards, text
from presentation.reports import lists as report_lists
from presentation.reports.callbacks import ExportCb, ExportFormat, ReportCb, ReportListCb
from presentation.reports.export_labels import labels
from presentation.reports.format import period_title
from services.access import Actor, require_owner
from services.clock import Clock
from services.db.session import AsyncSession
from services.reports import export, lists, report


async def choose_report(message: Message, actor: Actor) -> None:
    require_owner(actor)
    await message.answer(
        _("Which period should the report cover?"), reply_markup=keyboards.report_choices()
    )


async def send_report(
    query: CallbackQuery,
    callback_data: ReportCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
) -> None:
    found = await report.on_demand(
        session, actor, callback_data.choice, settings.zone, defaults_of(settings), clock.now()
    )
    if not isinstance(query.message, Message):
        return
    # No connection is held while the chart is drawn: on SQLite the bot has one.
    await session.commit()
    png = await charts.render(found, actor.locale)
    await query.message.answer_photo(
        BufferedInputFile(png, filename=f"report-{found.period.first.isoformat()}.png"),
        caption=text.summary(found, settings.currency, actor.locale),
    )
    await query.message.answer(
        text.detail(found, settings.currency, actor.locale),
        reply_markup=keyboards.sections(found.period),
    )


async def show_list(
    query: CallbackQuery,
    callback_data: ReportListCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
) -> None:
    listed = await lists.section_list(
        session,
        actor,
        callback_data.section,
        callback_data.span,
        callback_data.day,
        settings.zone,
        defaults_of(settings),
        clock.now(),
    )
    if isinstance(query.message, Message):
        await query.message.answer(
            report_lists.section_text(listed, settings.zone, settings.currency, actor.locale)
        )


async def choose_export(message: Message, command: CommandObject, actor: Actor) -> None:
    require_owner(actor)
    fmt = ExportFormat.CSV if (command.args or "").strip().lower() == "csv" else ExportFormat.XLSX
    await message.answer(
        _("Which period should the spreadsheet cover?"),
        reply_markup=keyboards.export_choices(fmt),
    )


async def send_export(
    query: CallbackQuery,
    callback_data: ExportCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
) -> None:
    data = await export.export(
        session, actor, callback_data.choice, settings.zone, defaults_of(settings), clock.now()
    )
    names = labels(actor.locale)
    # Writing thousands of rows blocks; the thread gets a copy of the context, so the names
    # it translates still come out in the owner's language.
    if callback_data.fmt is ExportFormat.CSV:
        content, suffix = await asyncio.to_thread(export.csv_file, data, names), "csv"
    else:
        content, suffix = await asyncio.to_thread(export.workbook, data, names), "xlsx"
    period = data.period
    filename = f"axin-{period.first.isoformat()}-{period.last.isoformat()}.{suffix}"
    if isinstance(query.message, Message):
        await query.message.answer_document(
            BufferedInputFile(content, filename=filename),
            caption=_("Requests of {period}: {n}").format(
                period=period_title(period, actor.locale), n=len(data.deals)
            ),
        )


def router() -> Router:
    router = Router(name="reports")
    router.message.register(choose_report, Command("report"))
    router.message.register(choose_export, Command("export"))
    router.callback_query.register(send_report, ReportCb.filter())
    router.callback_query.register(show_list, ReportListCb.filter())
    router.callback_query.register(send_export, ExportCb.filter())
    return router
