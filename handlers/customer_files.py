"""The customers as a file, for owners: `/customers export` sends them all as .xlsx
(`/customers export csv`: as CSV); `/customers import` waits for a filled .xlsx or .csv, which
is imported whole or not at all, every mistake answered with its row and column. /cancel
leaves the step. Managers are refused both: the file is everyone's, and imports are owners'."""

from __future__ import annotations

import asyncio

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, Document, Message

from bot.settings import Settings
from handlers.documents import downloaded
from handlers.filters import Has, NotCommand
from presentation.catalog_files import XLSX_TYPE
from presentation.customers.files import (
    ask_for_file,
    cells,
    export_caption,
    export_name,
    imported_text,
    known_titles,
    not_readable_text,
    problem_text,
    send_a_document,
    sheet_name,
    titles,
    too_big_text,
)
from services import customer_export, customer_import, customer_sheet
from services.access import Actor, require_owner
from services.clock import Clock
from services.customer_sheet import CustomerFileRejected
from services.db.session import AsyncSession
from services.workbooks import MAX_BYTES

CSV_TYPES = ("text/csv", "text/comma-separated-values", "application/csv")


class CustomerFile(StatesGroup):
    waiting = State()


async def export_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
) -> None:
    as_csv = (command.args or "").split()[1:] == ["csv"]
    found = await customer_export.export(session, actor)
    now = clock.now()
    rows = [cells(row, settings.zone) for row in found]
    if as_csv:
        data = await asyncio.to_thread(customer_sheet.csv_file, titles(), rows)
    else:
        data = await asyncio.to_thread(customer_sheet.workbook, sheet_name(), titles(), rows)
    name = export_name(now.astimezone(settings.zone).date(), as_csv)
    await message.answer_document(
        BufferedInputFile(data, filename=name), caption=export_caption(len(found))
    )


async def import_command(message: Message, actor: Actor, state: FSMContext) -> None:
    require_owner(actor)
    await state.set_state(CustomerFile.waiting)
    await message.answer(ask_for_file())


async def file_sent(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
    bot: Bot,
) -> None:
    require_owner(actor)
    document = message.document
    kind = _kind(document) if document is not None else None
    if document is None or kind is None:
        await message.answer(not_readable_text())
        return
    data = await downloaded(document, bot, MAX_BYTES)
    if data is None:
        await message.answer(too_big_text())
        return
    try:
        imported = await customer_import.import_customers(
            session,
            actor,
            data,
            kind == "csv",
            known_titles(),
            settings.phone_region,
            clock.now(),
        )
    except CustomerFileRejected as error:
        # The step stays for the next file.
        await message.answer(problem_text(error))
        return
    await state.clear()
    await message.answer(imported_text(imported))


def _kind(document: Document) -> str | None:
    name = (document.file_name or "").casefold()
    if name.endswith(".csv") or document.mime_type in CSV_TYPES:
        return "csv"
    if name.endswith(".xlsx") or document.mime_type == XLSX_TYPE:
        return "xlsx"
    return None


async def not_a_file(message: Message) -> None:
    await message.answer(send_a_document())


def router() -> Router:
    router = Router(name="customer_files")
    router.message.register(
        export_command,
        Command("customers", magic=F.args.regexp(r"^\s*export(\s+csv)?\s*$")),
    )
    router.message.register(
        import_command, Command("customers", magic=F.args.regexp(r"^\s*import\s*$"))
    )
    waiting = StateFilter(CustomerFile.waiting)
    router.message.register(file_sent, waiting, Has("document"))
    router.message.register(not_a_file, waiting, NotCommand())
    return router
