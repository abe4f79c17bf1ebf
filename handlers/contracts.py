"""Contracts: set from a deal card's button, /contracts (ending within 60 days), and the
buttons under a renewal reminder: Renew, Not renewing (with a reason), and behind ⋯ More
Remind me tomorrow and the request."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.settings import Settings
from handlers.filters import Has, NotCommand, Staff
from handlers.payloads import Payload
from handlers.presses import Press, on_press
from handlers.words import Words, not_text, on_words
from presentation import contracts as contract_views
from presentation.contracts import ContractAction, ContractCb
from presentation.render import when
from presentation.tasks import open_deal_button
from services import contracts
from services.access import Actor
from services.clock import Clock
from services.db.session import AsyncSession
from services.errors import ErrorCode
from services.moments import Preset, local_today

RETRYABLE = frozenset(
    {
        ErrorCode.CONTRACT_TEXT,
        ErrorCode.CONTRACT_DATE,
        ErrorCode.CONTRACT_NUMBER,
        ErrorCode.CONTRACT_DATES,
        ErrorCode.EMPTY_TEXT,
    }
)


class ContractInput(StatesGroup):
    fields = State()
    reason = State()


class ContractFields(Payload):
    """ContractInput.fields: the deal whose contract is typed."""

    deal_id: int


class NotRenewing(Payload):
    """ContractInput.reason: the contract the reason is for."""

    contract_id: int


@on_press
async def edit_contract(press: Press[ContractCb]) -> None:
    deal_id = press.data.ref
    current = await contracts.of_deal(press.session, press.actor, deal_id)
    await press.ask(
        ContractInput.fields,
        contract_views.contract_prompt(deal_id, current, press.actor.locale),
        ContractFields(deal_id=deal_id),
    )


@on_words
async def fields_typed(words: Words) -> None:
    async with words.ends_step(RETRYABLE):
        number, starts_on, ends_on = contracts.parse_typed(words.text)
        asked = await words.payload(ContractFields)
        contract = await contracts.set_contract(
            words.session, words.actor, asked.deal_id, number, starts_on, ends_on, words.now
        )
    await words.message.answer(contract_views.contract_saved(contract, words.actor.locale))


@on_press
async def renew(press: Press[ContractCb]) -> None:
    contract = await contracts.renew(press.session, press.actor, press.data.ref, press.now)
    text = contract_views.renewed_text(contract)
    press.answer.text = text
    assert contract.renewal_deal_id is not None
    markup = InlineKeyboardMarkup(inline_keyboard=[[open_deal_button(contract.renewal_deal_id)]])
    await press.show(text, markup)


@on_press
async def ask_reason(press: Press[ContractCb]) -> None:
    contract = await contracts.check_open(press.session, press.actor, press.data.ref)
    await press.ask(
        ContractInput.reason,
        contract_views.reason_prompt(contract),
        NotRenewing(contract_id=contract.contract_id),
    )


@on_words
async def reason_typed(words: Words) -> None:
    async with words.ends_step(RETRYABLE):
        asked = await words.payload(NotRenewing)
        contract = await contracts.not_renewing(
            words.session, words.actor, asked.contract_id, words.text, words.now
        )
    await words.message.answer(contract_views.not_renewing_text(contract))


@on_press
async def snooze(press: Press[ContractCb]) -> None:
    until = press.later(Preset.TOMORROW)
    await contracts.snooze(press.session, press.actor, press.data.ref, until, press.now)
    text = _("💤 I'll remind you again on {time}.").format(
        time=when(until, press.settings.zone, press.actor.locale)
    )
    press.answer.text = text
    await press.show(text)


@on_press
async def more_or_back(press: Press[ContractCb]) -> None:
    """⋯ More shows Remind me tomorrow and the request; ‹ Back Renew and Not renewing."""
    contract = await contracts.check_open(press.session, press.actor, press.data.ref)
    today = local_today(press.now, press.settings.zone)
    more = press.data.action == ContractAction.MORE
    keyboard = (
        contract_views.reminder_more_keyboard(contract)
        if more
        else contract_views.reminder_keyboard(contract)
    )
    await press.show(contract_views.reminder_text(contract, today, press.actor.locale), keyboard)


async def contracts_command(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, settings: Settings
) -> None:
    today = local_today(clock.now(), settings.zone)
    upcoming = await contracts.upcoming(session, actor, today)
    await message.answer(
        contract_views.upcoming_text(upcoming, today, actor.locale),
        reply_markup=contract_views.upcoming_keyboard(upcoming),
    )


def router() -> Router:
    router = Router(name="contracts")
    router.callback_query.register(
        edit_contract, ContractCb.filter(F.action == ContractAction.EDIT)
    )
    router.callback_query.register(renew, ContractCb.filter(F.action == ContractAction.RENEW))
    router.callback_query.register(ask_reason, ContractCb.filter(F.action == ContractAction.DROP))
    router.callback_query.register(snooze, ContractCb.filter(F.action == ContractAction.SNOOZE))
    router.callback_query.register(
        more_or_back,
        ContractCb.filter(F.action.in_({ContractAction.MORE, ContractAction.BACK})),
    )
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
