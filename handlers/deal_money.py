"""From a deal's documents screen: money a manager took (💳 Payment received) and the
delivery (🚚 Delivery: the date and a tracking number), each typed in answer to a question."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup

from handlers.filters import Has, NotCommand
from handlers.payloads import Payload
from handlers.presses import Press, on_press
from handlers.readers import reader_of
from handlers.words import Words, not_text, on_words
from presentation.documents.callbacks import DocAction, DocCb
from presentation.documents.screen import delivery_prompt, delivery_set, paid_prompt, paid_text
from services import deliveries, documents, paid, payments
from services.amounts import parse_amount
from services.conversation import get_deal
from services.errors import ErrorCode

RETRYABLE = frozenset({ErrorCode.AMOUNT, ErrorCode.NEGATIVE_AMOUNT, ErrorCode.DELIVERY})


class MoneyInput(StatesGroup):
    amount = State()
    delivery = State()


class PaidFor(Payload):
    """MoneyInput.amount and .delivery: the deal they are typed for."""

    deal_id: int


@on_press
async def ask_paid(press: Press[DocCb]) -> None:
    deal = await get_deal(press.session, press.data.ref)
    await documents.of_deal(press.session, press.actor, deal.id)
    left = await paid.balance(press.session, deal)
    await press.ask(
        MoneyInput.amount,
        paid_prompt(deal.id, left, press.reader),
        PaidFor(deal_id=deal.id),
    )


@on_words
async def paid_typed(words: Words) -> None:
    async with words.ends_step(RETRYABLE):
        asked = await words.payload(PaidFor)
        amount = parse_amount(words.text, words.actor.locale)
        recorded = await payments.record(
            words.session, asked.deal_id, amount, payments.MANUAL, words.now, actor=words.actor
        )
    reader = reader_of(words.settings, words.actor, words.now)
    await words.message.answer(paid_text(asked.deal_id, amount, recorded.balance, reader))


@on_press
async def ask_delivery(press: Press[DocCb]) -> None:
    deal = await get_deal(press.session, press.data.ref)
    await documents.of_deal(press.session, press.actor, deal.id)
    await press.ask(MoneyInput.delivery, delivery_prompt(deal.id), PaidFor(deal_id=deal.id))


@on_words
async def delivery_typed(words: Words) -> None:
    async with words.ends_step(RETRYABLE):
        asked = await words.payload(PaidFor)
        delivery, told = await deliveries.set_delivery(
            words.session, words.actor, asked.deal_id, words.text, words.now
        )
    await words.message.answer(delivery_set(asked.deal_id, delivery, told, words.actor.locale))


def router() -> Router:
    router = Router(name="deal_money")
    router.callback_query.register(ask_paid, DocCb.filter(F.action == DocAction.PAID))
    router.callback_query.register(ask_delivery, DocCb.filter(F.action == DocAction.DELIVERY))
    router.message.register(paid_typed, StateFilter(MoneyInput.amount), Has("text"), NotCommand())
    router.message.register(
        delivery_typed, StateFilter(MoneyInput.delivery), Has("text"), NotCommand()
    )
    router.message.register(
        not_text, StateFilter(MoneyInput.amount, MoneyInput.delivery), NotCommand()
    )
    return router
