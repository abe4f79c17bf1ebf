"""/sources for the owner: the sources of requests entered by hand, the owner's own added
and removed."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from handlers.filters import Has, NotCommand
from handlers.words import Words, not_text, on_words
from presentation import leads as views
from presentation.edits import edit_or_send
from presentation.leads import SourceAction, SourceCb
from presentation.render import source_name
from services import lead_sources
from services.access import Actor, require_owner
from services.db.session import AsyncSession
from services.errors import ErrorCode


class SourceInput(StatesGroup):
    name = State()


async def sources_command(message: Message, session: AsyncSession, actor: Actor) -> None:
    sources = await lead_sources.managed(session, actor)
    await message.answer(
        views.sources_text(sources), reply_markup=views.sources_management(sources)
    )


async def ask_name(query: CallbackQuery, actor: Actor, state: FSMContext) -> None:
    require_owner(actor)
    if isinstance(query.message, Message):
        await state.set_state(SourceInput.name)
        await query.message.answer(views.ask_source_name())


@on_words
async def name_typed(words: Words) -> None:
    async with words.ends_step(frozenset({ErrorCode.LEAD_SOURCE})):
        shown = [source_name(key) for key in lead_sources.RESERVED]
        sources = await lead_sources.add(words.session, words.actor, words.text, words.now, shown)
    await words.message.answer(
        views.sources_text(sources), reply_markup=views.sources_management(sources)
    )


async def remove(
    query: CallbackQuery,
    callback_data: SourceCb,
    session: AsyncSession,
    actor: Actor,
    callback_answer: CallbackAnswer,
) -> None:
    sources = await lead_sources.remove(session, actor, callback_data.source_id)
    callback_answer.text = _("Removed. Requests entered with it keep it.")
    if isinstance(query.message, Message):
        await edit_or_send(
            query.message, views.sources_text(sources), views.sources_management(sources)
        )


def router() -> Router:
    router = Router(name="lead_sources")
    router.message.register(sources_command, Command("sources"))
    router.callback_query.register(ask_name, SourceCb.filter(F.action == SourceAction.ADD))
    router.callback_query.register(remove, SourceCb.filter(F.action == SourceAction.REMOVE))
    router.message.register(name_typed, StateFilter(SourceInput.name), Has("text"), NotCommand())
    router.message.register(not_text, StateFilter(SourceInput.name), NotCommand())
    return router
