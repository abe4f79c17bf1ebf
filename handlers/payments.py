"""Paying in Telegram: the check before Telegram takes the money (answered within its 10
seconds, a refusal in the customer's words) and the payment it then reports."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import Message, PreCheckoutQuery

from bot.settings import Settings
from handlers.filters import Has
from presentation.errors import error_text
from services import payments_telegram
from services.access import Actor
from services.clock import Clock
from services.db.session import AsyncSession
from services.errors import DomainError


async def pre_checkout(
    query: PreCheckoutQuery, session: AsyncSession, actor: Actor, settings: Settings
) -> None:
    try:
        await payments_telegram.check_checkout(
            session,
            actor.user_id,
            query.invoice_payload,
            query.currency,
            query.total_amount,
            settings.currency,
        )
    except DomainError as error:
        await session.rollback()
        await query.answer(ok=False, error_message=error_text(error))
        return
    await query.answer(ok=True)


async def paid(message: Message, session: AsyncSession, clock: Clock) -> None:
    payment = message.successful_payment
    assert payment is not None
    await payments_telegram.paid_in_telegram(
        session,
        payment.invoice_payload,
        payment.currency,
        payment.total_amount,
        payment.telegram_payment_charge_id,
        clock.now(),
    )


def router() -> Router:
    """Before the customers' router: a payment arriving amid a customer's step is still one."""
    router = Router(name="payments")
    router.pre_checkout_query.register(pre_checkout)
    router.message.register(paid, Has("successful_payment"))
    return router
