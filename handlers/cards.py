"""What every deal-card button does around its own step: refuse an out-of-date card by showing
the deal as it is now, answer the press and edit the card in place."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiogram.utils.i18n import gettext as _

from handlers.presses import Press
from presentation.deals.callbacks import CardCb
from presentation.deals.card import card_text
from presentation.deals.keyboard import card_keyboard
from services.pipeline import StaleCard
from services.views import DealCard

T = TypeVar("T")

CardPress = Press[CardCb]


def stale_text() -> str:
    return _(
        "This card was out of date, so nothing was changed. Here is the request as it is now."
    )


async def show_card(press: CardPress, card: DealCard) -> None:
    await press.show(card_text(card, press.reader), card_keyboard(card, press.reader))


async def unless_stale(press: CardPress, step: Awaitable[T]) -> T | None:
    """What the step gives, or None when the card was out of date: then the press is told
    nothing was changed and the card shows the deal as it is now."""
    try:
        return await step
    except StaleCard as stale:
        press.answer.text = stale_text()
        await show_card(press, stale.card)
        return None


async def apply(
    press: CardPress, change: Awaitable[DealCard], said: Callable[[DealCard], str]
) -> None:
    """Run a change to the deal, answer the press with what was done and show the new card."""
    card = await unless_stale(press, change)
    if card is not None:
        press.answer.text = said(card)
        await show_card(press, card)
