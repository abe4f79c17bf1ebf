"""/apitoken for the owner: the HTTP API's tokens, a new one (shown once) and revoking."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.settings import Settings
from handlers.filters import Has, NotCommand
from presentation import tokens as token_views
from presentation.edits import edit_or_send
from presentation.tokens import TokenAction, TokenCb
from services import api_tokens
from services.access import Actor, require_owner
from services.clock import Clock
from services.db.session import AsyncSession
from services.errors import DomainError, ErrorCode


class TokenInput(StatesGroup):
    name = State()


async def tokens_command(
    message: Message, session: AsyncSession, actor: Actor, settings: Settings
) -> None:
    tokens = await api_tokens.listed(session, actor)
    await message.answer(
        token_views.token_list(tokens, settings.zone, actor.locale),
        reply_markup=token_views.token_keyboard(tokens),
    )


async def ask_name(query: CallbackQuery, actor: Actor, state: FSMContext) -> None:
    require_owner(actor)
    if not isinstance(query.message, Message):
        return
    await state.set_state(TokenInput.name)
    await query.message.answer(
        _("Send a name for the new token, like Website or Phone system. /cancel to stop.")
    )


async def name_typed(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, state: FSMContext
) -> None:
    try:
        token = await api_tokens.create(session, actor, message.text or "", clock.now())
    except DomainError as error:
        error.ends_step = error.code != ErrorCode.TOKEN_NAME
        raise
    await state.clear()
    await message.answer(token_views.created_text(token))


async def revoke(
    query: CallbackQuery,
    callback_data: TokenCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    callback_answer: CallbackAnswer,
) -> None:
    revoked, tokens = await api_tokens.revoke_listed(
        session, actor, callback_data.token_id, clock.now()
    )
    callback_answer.text = _("Token {name} revoked: requests with it are refused now.").format(
        name=revoked.name
    )
    if isinstance(query.message, Message):
        await edit_or_send(
            query.message,
            token_views.token_list(tokens, settings.zone, actor.locale),
            token_views.token_keyboard(tokens),
        )


def router() -> Router:
    router = Router(name="apitokens")
    router.message.register(tokens_command, Command("apitoken"))
    router.callback_query.register(ask_name, TokenCb.filter(F.action == TokenAction.CREATE))
    router.callback_query.register(revoke, TokenCb.filter(F.action == TokenAction.REVOKE))
    router.message.register(name_typed, StateFilter(TokenInput.name), Has("text"), NotCommand())
    return router
