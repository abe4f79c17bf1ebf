"""/rules_file for the owner: every field and rule as a YAML file (rules.yaml); the file sent
back as a document, while the step waits for it, is imported whole or not at all, and a
mistake is answered with its line. /cancel leaves the step."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, Message

from bot.settings import Settings
from handlers.documents import downloaded
from handlers.filters import Has, NotCommand
from handlers.rule_standard import standard_defaults
from presentation.rule_files import (
    FILE_NAME,
    caption,
    imported_text,
    not_text,
    problem_text,
    send_a_document,
    too_big_text,
)
from services.access import Actor, require_owner
from services.clock import Clock
from services.db.session import AsyncSession
from services.rules import files
from services.rules.marked import FileInvalid


class RulesFile(StatesGroup):
    waiting = State()


async def rules_file_command(
    message: Message, session: AsyncSession, actor: Actor, state: FSMContext, settings: Settings
) -> None:
    text = await files.export(session, actor, standard_defaults(settings))
    await state.set_state(RulesFile.waiting)
    await message.answer_document(
        BufferedInputFile(text.encode(), filename=FILE_NAME), caption=caption()
    )


async def file_sent(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    bot: Bot,
) -> None:
    require_owner(actor)
    document = message.document
    data = await downloaded(document, bot, files.MAX_BYTES) if document is not None else None
    if data is None:
        await message.answer(too_big_text())
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        await message.answer(not_text())
        return
    # Cleared with the import's commit; a file with a mistake keeps the step for the next one.
    await state.clear()
    try:
        imported = await files.import_file(session, actor, text, clock.now())
    except FileInvalid as error:
        await message.answer(problem_text(error))
        return
    await message.answer(imported_text(imported))


async def not_a_file(message: Message) -> None:
    await message.answer(send_a_document())


def router() -> Router:
    router = Router(name="rule_files")
    router.message.register(rules_file_command, Command("rules_file"))
    waiting = StateFilter(RulesFile.waiting)
    router.message.register(file_sent, waiting, Has("document"))
    router.message.register(not_a_file, waiting, NotCommand())
    return router
