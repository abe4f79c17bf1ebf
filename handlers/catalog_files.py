"""The catalog as an .xlsx file, from the buttons under the owner's /catalog: the whole catalog
or a template sent as a document; 📥 Import waits for the filled file, which is imported whole
or not at all, every mistake answered with its row and column. /cancel leaves the step."""

from __future__ import annotations

import asyncio

from aiogram import Bot, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, Document, Message

from handlers.documents import downloaded
from handlers.filters import Has, NotCommand
from handlers.payloads import Payload
from handlers.presses import Press, on_press
from presentation.catalog_files import (
    TEMPLATE_NAME,
    XLSX_TYPE,
    CatalogFileAction,
    CatalogFileCb,
    ask_for_file,
    export_caption,
    export_name,
    imported_text,
    not_xlsx_text,
    problem_text,
    send_a_document,
    template_caption,
    too_big_text,
)
from services import catalog_files
from services.access import Actor, require_owner
from services.catalog_files import MAX_BYTES, CatalogFileRejected
from services.clock import Clock
from services.db.session import AsyncSession


class CatalogFile(StatesGroup):
    waiting = State()


@on_press
async def file_button(press: Press[CatalogFileCb]) -> None:
    require_owner(press.actor)
    if press.message is None:
        return
    action = press.data.action
    if action == CatalogFileAction.IMPORT:
        await press.ask(CatalogFile.waiting, ask_for_file(), Payload())
        return
    if action == CatalogFileAction.EXPORT:
        data = await catalog_files.export(press.session, press.actor)
        name = export_name(press.now.astimezone(press.settings.zone).date())
        caption = export_caption()
    else:
        data = await asyncio.to_thread(catalog_files.template)
        name, caption = TEMPLATE_NAME, template_caption()
    await press.message.answer_document(BufferedInputFile(data, filename=name), caption=caption)


async def file_sent(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    bot: Bot,
) -> None:
    require_owner(actor)
    if message.document is None or not _xlsx(message.document):
        await message.answer(not_xlsx_text())
        return
    data = await downloaded(message.document, bot, MAX_BYTES)
    if data is None:
        await message.answer(too_big_text())
        return
    # Cleared with the import's commit; a file with a mistake keeps the step for the next one.
    await state.clear()
    try:
        imported = await catalog_files.import_catalog(session, actor, data, clock.now())
    except CatalogFileRejected as error:
        await message.answer(problem_text(error))
        return
    await message.answer(imported_text(imported))


def _xlsx(document: Document) -> bool:
    name = (document.file_name or "").casefold()
    return name.endswith(".xlsx") or document.mime_type == XLSX_TYPE


async def not_a_file(message: Message) -> None:
    await message.answer(send_a_document())


def router() -> Router:
    router = Router(name="catalog_files")
    router.callback_query.register(file_button, CatalogFileCb.filter())
    waiting = StateFilter(CatalogFile.waiting)
    router.message.register(file_sent, waiting, Has("document"))
    router.message.register(not_a_file, waiting, NotCommand())
    return router
