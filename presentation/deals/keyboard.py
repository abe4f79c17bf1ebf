"""The deal card's buttons: the two to four that fit the deal's state and the reader's role,
the rest behind ⋯ More. Every action is one entry of `SLOTS`, in the order the card lists
them: `Slot(make)` puts a button behind More in every state, `phases=` limits the states it is
offered in, `first=` names those in which the card shows it before More, `test=` asks the
card and reader more (`first=ALWAYS` shows it first always)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from aiogram.types import CopyTextButton, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from presentation.deals.buttons import (
    contract_button,
    customer_button,
    documents_button,
    items_button,
    remind_button,
    task_button,
)
from presentation.deals.callbacks import CardAction, DealAction, DealCb
from presentation.deals.card import Reader, button
from presentation.field_values import fields_button
from presentation.render import stage_name
from presentation.short import back_label, first_keyboard, more_keyboard, more_label
from services.phones import display_phone
from services.views import DealCard


class Phase(Enum):
    NEW = "new"  # open, nobody took it yet
    OPEN = "open"
    WON = "won"
    LOST = "lost"


def phase_of(card: DealCard) -> Phase:
    if card.closed_at is not None:
        return Phase.LOST if card.stage_kind == "lost" else Phase.WON
    return Phase.NEW if card.taken_at is None else Phase.OPEN


NEW, OPEN, WON, LOST = Phase.NEW, Phase.OPEN, Phase.WON, Phase.LOST
ALWAYS = frozenset(Phase)
WORKING = frozenset({NEW, OPEN})
Make = Callable[[DealCard, Reader], InlineKeyboardButton]
Test = Callable[[DealCard, Reader], bool]


def _any(card: DealCard, reader: Reader) -> bool:
    return True


@dataclass(frozen=True)
class Slot:
    make: Make
    # The phases in which the card offers it at all, and a further test of the card and reader.
    phases: frozenset[Phase] = ALWAYS
    first: frozenset[Phase] = frozenset()
    test: Test = _any


def _deal(action: DealAction, text: Callable[[], str]) -> Make:
    def make(card: DealCard, reader: Reader) -> InlineKeyboardButton:
        data = DealCb(action=action, deal_id=card.deal_id).pack()
        return InlineKeyboardButton(text=text(), callback_data=data)

    return make


def _card(action: CardAction, text: Callable[[], str]) -> Make:
    return lambda card, reader: button(card, text(), action)


def _next(card: DealCard, reader: Reader) -> InlineKeyboardButton:
    assert card.next_stage is not None
    name = stage_name(card.next_stage.names, reader.locale)
    return button(card, f"➡️ {name}", CardAction.NEXT)


def _call(card: DealCard, reader: Reader) -> InlineKeyboardButton:
    """Telegram refuses tel: links on buttons: this one copies the number for the dialer."""
    assert card.phone is not None
    return InlineKeyboardButton(
        text=_("📞 Call {phone}").format(phone=display_phone(card.phone)),
        copy_text=CopyTextButton(text=card.phone),
    )


def _merge(card: DealCard, reader: Reader) -> InlineKeyboardButton:
    assert card.match is not None
    return button(card, _("🔗 Merge"), CardAction.MERGE, card.match.customer_id)


def _owner(card: DealCard, reader: Reader) -> bool:
    return reader.is_owner


SLOTS: tuple[Slot, ...] = (
    Slot(_deal(DealAction.TAKE, lambda: _("✅ Take")), frozenset({NEW}), frozenset({NEW})),
    Slot(_next, WORKING, frozenset({OPEN}), test=lambda card, reader: card.next_stage is not None),
    Slot(
        _deal(DealAction.REPLY, lambda: _("↩️ Reply")),
        first=frozenset({NEW, OPEN, LOST}),
        test=lambda card, reader: card.reachable,
    ),
    Slot(_call, first=ALWAYS, test=lambda card, reader: not card.reachable and bool(card.phone)),
    Slot(_card(CardAction.STAGES, lambda: _("🔀 Stage…")), WORKING),
    Slot(
        _card(CardAction.AMOUNT, lambda: _("💰 Amount")),
        WORKING,
        test=lambda card, reader: card.items is None,
    ),
    Slot(
        lambda card, reader: items_button(card.deal_id, card.version),
        test=lambda card, reader: card.closed_at is None or card.items is not None,
    ),
    Slot(_card(CardAction.NOTE, lambda: _("📝 Note"))),
    Slot(_card(CardAction.LOST, lambda: _("❌ Lost")), WORKING),
    Slot(_card(CardAction.HANDOVER, lambda: _("👥 Reassign")), WORKING),
    Slot(_card(CardAction.HISTORY, lambda: _("📜 History"))),
    Slot(lambda card, reader: fields_button(card.deal_id)),
    Slot(
        lambda card, reader: remind_button(card.deal_id),
        frozenset({NEW, OPEN, WON}),
        frozenset({OPEN, WON}),
    ),
    Slot(lambda card, reader: task_button(card.deal_id), frozenset({NEW, OPEN, WON})),
    Slot(lambda card, reader: contract_button(card.deal_id)),
    Slot(lambda card, reader: documents_button(card.deal_id), first=frozenset({WON})),
    Slot(lambda card, reader: customer_button(card.deal_id)),
    Slot(
        _card(CardAction.REOPEN, lambda: _("🔓 Reopen")),
        frozenset({WON, LOST}),
        frozenset({LOST}),
        _owner,
    ),
    Slot(_merge, test=lambda card, reader: reader.is_owner and card.match is not None),
)


def _split(
    card: DealCard, reader: Reader
) -> tuple[list[InlineKeyboardButton], list[InlineKeyboardButton]]:
    """The buttons shown first and those behind More, each in `SLOTS` order."""
    phase = phase_of(card)
    first: list[InlineKeyboardButton] = []
    more: list[InlineKeyboardButton] = []
    for slot in SLOTS:
        if phase in slot.phases and slot.test(card, reader):
            (first if phase in slot.first else more).append(slot.make(card, reader))
    return first, more


def card_keyboard(card: DealCard, reader: Reader) -> InlineKeyboardMarkup | None:
    """The few buttons and ⋯ More; None for someone who may read the card but no longer work
    on it (handed over)."""
    if not reader.works_on(card):
        return None
    first, more = _split(card, reader)
    if not more:
        return first_keyboard(first, None)
    return first_keyboard(first, button(card, more_label(), CardAction.MORE))


def more_card_keyboard(card: DealCard, reader: Reader) -> InlineKeyboardMarkup | None:
    """What ⋯ More shows: the other buttons and ‹ Back to the few."""
    if not reader.works_on(card):
        return None
    _first, more = _split(card, reader)
    return more_keyboard(more, button(card, back_label(), CardAction.CARD))
