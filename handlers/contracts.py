"""Contracts: set from a deal card's button, /contracts (ending within 60 days), and the
buttons under a renewal reminder: Renew, Not renewing (with a reason), Remind me tomorrow."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot import contract_views
from bot.edits import edit_or_send
from bot.followup_callbacks import ContractAction, ContractCb
from bot.render import when
from bot.settings import Settings
from bot.task_views import open_deal_button
from handlers.filters import Has, NotCommand, Staff
from services import contracts
from services.access import Actor
from services.clock import Clock
from services.db.session import AsyncSession
from services.errors import DomainError
from services.moments import Preset, local_today, preset_moment

RETRYABLE = frozenset(
    {"contract_text", "contract_date", "contract_number", "contract_dates", "empty_text"}
)


class ContractInput(StatesGroup):
    fields = State()
    reason = State()


async def edit_contract(
    query: CallbackQuery,
    callback_data: ContractCb,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    current = await contracts.of_deal(session, actor, callback_data.ref)
    if not isinstance(query.message, Message):
        return
    await state.set_state(ContractInput.fields)
    await state.update_data(deal_id=callback_data.ref)
    await query.message.answer(
        contract_views.contract_prompt(callback_data.ref, current, actor.locale)
    )


async def fields_typed(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, state: FSMContext
) -> None:
    data = await state.get_data()
    try:
        number, starts_on, ends_on = contracts.parse_typed(message.text or "")
        contract = await contracts.set_contract(
            session, actor, int(data["deal_id"]), number, starts_on, ends_on, clock.now()
        )
    except DomainError as error:
        if error.code not in RETRYABLE:
            await state.clear()
        raise
    await state.clear()
    await message.answer(contract_views.contract_saved(contract, actor.locale))


async def renew(
    query: CallbackQuery,
    callback_data: ContractCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    callback_answer: CallbackAnswer,
) -> None:
    contract = await contracts.renew(session, actor, callback_data.ref, clock.now())
    text = contract_views.renewed_text(contract)
    callback_answer.text = text
    assert contract.renewal_deal_id is not None
    markup = InlineKeyboardMarkup(inline_keyboard=[[open_deal_button(contract.renewal_deal_id)]])
    if isinstance(query.message, Message):
        await edit_or_send(query.message, text, markup)


async def ask_reason(
    query: CallbackQuery,
    callback_data: ContractCb,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    contract = await contracts.check_open(session, actor, callback_data.ref)
    if not isinstance(query.message, Message):
        return
    await state.set_state(ContractInput.reason)
    await state.update_data(contract_id=contract.contract_id)
    await query.message.answer(contract_views.reason_prompt(contract))


async def reason_typed(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, state: FSMContext
) -> None:
    data = await state.get_data()
    try:
        contract = await contracts.not_renewing(
            session, actor, int(data["contract_id"]), message.text or "", clock.now()
        )
    except DomainError as error:
        if error.code not in RETRYABLE:
            await state.clear()
        raise
    await state.clear()
    await message.answer(contract_views.not_renewing_text(contract))


async def snooze(
    query: CallbackQuery,
    callback_data: ContractCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    callback_answer: CallbackAnswer,
) -> None:
    now = clock.now()
    until = preset_moment(Preset.TOMORROW, now, settings.zone)
    await contracts.snooze(session, actor, callback_data.ref, until, now)
    text = _("💤 I'll remind you again on {time}.").format(
        time=when(until, settings.zone, actor.locale)
    )
    callback_answer.text = text
    if isinstance(query.message, Message):
        await edit_or_send(query.message, text)


async def contracts_command(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, settings: Settings
) -> None:
    today = local_today(clock.now(), settings.zone)
    upcoming = await contracts.upcoming(session, actor, today)
    await message.answer(
        contract_views.upcoming_text(upcoming, today, actor.locale),
        reply_markup=contract_views.upcoming_keyboard(upcoming),
    )


async def not_text(message: Message) -> None:
    await message.answer(_("Please send it as text, or /cancel."))


def router() -> Router:
    router = Router(name="contracts")
    router.callback_query.register(
        edit_contract, ContractCb.filter(F.action == ContractAction.EDIT)
    )
    router.callback_query.register(renew, ContractCb.filter(F.action == ContractAction.RENEW))
    router.callback_query.register(ask_reason, ContractCb.filter(F.action == ContractAction.DROP))
    router.callback_query.register(snooze, ContractCb.filter(F.action == ContractAction.SNOOZE))
    router.message.register(contracts_command, Command("contracts"), Staff())
    router.message.register(
        fields_typed, StateFilter(ContractInput.fields), Has("text"), NotCommand()
    )
    router.message.register(
        reason_typed, StateFilter(ContractInput.reason), Has("text"), NotCommand()
    )
    for input_state in (ContractInput.fields, ContractInput.reason):
        router.message.register(not_text, StateFilter(input_state), NotCommand())
    return router
