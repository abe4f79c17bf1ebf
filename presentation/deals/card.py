"""The deal card: one message per deal, its text and buttons, edited in place by every action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from html import escape
from typing import Protocol
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_timedelta
from babel.numbers import format_currency

from presentation.deals.buttons import (
    contract_button,
    customer_button,
    documents_button,
    items_button,
    remind_button,
)
from presentation.deals.callbacks import CardAction, CardCb, DealAction, DealCb
from presentation.deals.matches import match_line
from presentation.documents.layout import title_of
from presentation.field_values import field_lines, fields_button
from presentation.render import detail_name, source_name, stage_name, when
from presentation.units import measured, quantity_text
from services.catalog import name_in
from services.item_views import PENDING, DealItems, DiscountView
from services.paid import Balance, balance_of
from services.phones import display_phone
from services.pipeline import OTHER
from services.totals import PERCENT
from services.views import DealCard, PaperView

SHOWN_ITEMS = 5


@dataclass(frozen=True)
class Reader:
    """Who reads the card (their zone, language, currency, role) and when."""

    zone: ZoneInfo
    locale: str
    currency: str
    now: datetime
    is_owner: bool
    user_id: int

    def works_on(self, card: DealCard) -> bool:
        return self.is_owner or card.manager_id == self.user_id


class Versioned(Protocol):
    """What a card button needs from whatever it is shown under."""

    @property
    def deal_id(self) -> int: ...

    @property
    def version(self) -> int: ...


def money(amount: Decimal, reader: Reader) -> str:
    return str(format_currency(amount, reader.currency, locale=reader.locale))


def ago(moment: datetime, reader: Reader) -> str:
    passed = reader.now - moment
    if passed < timedelta(minutes=1):
        return _("just now")
    return str(format_timedelta(-passed, add_direction=True, locale=reader.locale))


def duration(length: timedelta, reader: Reader) -> str:
    if length < timedelta(minutes=1):
        return _("less than a minute")
    return str(format_timedelta(length, granularity="minute", locale=reader.locale))


def lost_reason(stored: str | None) -> str:
    if stored is None:
        return ""
    if stored.startswith(f"{OTHER}:"):
        return escape(stored.removeprefix(f"{OTHER}:"))
    return reason_names().get(stored, escape(stored))


def reason_names() -> dict[str, str]:
    return {
        "price": _("price"),
        "no_answer": _("no answer"),
        "competitor": _("chose a competitor"),
        "not_needed": _("not needed"),
        OTHER: _("other…"),
    }


def progress(card: DealCard) -> str:
    return "▰" * card.step + "▱" * (card.steps - card.step)


def stage_line(card: DealCard, locale: str) -> str:
    stage = escape(stage_name(card.stage_names, locale))
    if card.stage_kind == "lost":
        return f"❌ {stage}: {lost_reason(card.lost_reason)}"
    if card.stage_kind == "won":
        return f"🏆 {stage}"
    return f"📍 {stage} {progress(card)}"


def manager_line(card: DealCard, reader: Reader) -> str:
    if card.taken_at is not None:
        return _("✅ Taken by {name} at {time}").format(
            name=escape(card.manager_name or ""),
            time=when(card.taken_at, reader.zone, reader.locale),
        )
    if card.manager_name:
        return _("👔 {name}, not taken yet").format(name=escape(card.manager_name))
    return _("👔 No manager yet")


def card_text(card: DealCard, reader: Reader) -> str:
    lines = [
        _("<b>Request #{number}</b>").format(number=card.deal_id),
        stage_line(card, reader.locale),
        f"👤 {escape(card.customer_name or '—')}",
    ]
    if card.phone:
        lines.append(f"📞 {display_phone(card.phone)}")
    if card.match is not None:
        lines.append(match_line(card.match))
    if card.email:
        lines.append(f"✉️ {escape(card.email)}")
    if card.title:
        lines.append(f"💬 {escape(card.title)}")
    if card.photos:
        lines.append(ngettext("📷 {n} photo", "📷 {n} photos", card.photos).format(n=card.photos))
    if card.documents:
        lines.append(
            ngettext("📎 {n} document", "📎 {n} documents", card.documents).format(
                n=card.documents
            )
        )
    if card.items is not None:
        lines += items_lines(card.items, reader)
    elif card.amount is not None:
        lines.append(f"💰 {money(card.amount, reader)}")
    else:
        lines.append(_("💰 Amount not set"))
    if card.paid:
        left = balance_of(card.amount, card.paid)
        lines.append(balance_text(left, reader.currency, reader.locale))
    lines += [paper_line(paper) for paper in card.papers]
    lines += field_lines(card.fields, reader.locale, reader.currency)
    lines.append(manager_line(card, reader))
    source = source_name(card.source)
    if card.source_detail:
        source += f" · {escape(detail_name(card.source, card.source_detail))}"
    lines.append(
        _("Source: {source} · {time}").format(
            source=source, time=when(card.created_at, reader.zone, reader.locale)
        )
    )
    if card.closed_at is not None:
        lines.append(
            _("🏁 Closed {time}").format(time=when(card.closed_at, reader.zone, reader.locale))
        )
    else:
        lines.append(
            _("⏱ Open for {age} · last activity {ago}").format(
                age=duration(reader.now - card.created_at, reader),
                ago=ago(card.last_activity_at, reader),
            )
        )
    return "\n".join(lines)


def items_lines(shown: DealItems, reader: Reader) -> list[str]:
    """What the card says of the items: the first few, the discounts and who gave them, the
    subtotal, discounts and VAT when there are any, and the total."""
    lines = [
        _("🛒 {name} · {quantity}").format(
            name=escape(name_in(item.names, reader.locale)),
            quantity=measured(item.quantity, item.unit, reader.locale),
        )
        for item in shown.items[:SHOWN_ITEMS]
    ]
    if len(shown.items) > SHOWN_ITEMS:
        more = len(shown.items) - SHOWN_ITEMS
        lines.append(_("🛒 … and {count} more").format(count=more))
    for item in shown.items:
        for given in item.discounts:
            lines.append(
                f"🏷 {escape(name_in(item.names, reader.locale))}: {discount_text(given, reader)}"
            )
    lines += [f"🏷 {discount_text(given, reader)}" for given in shown.discounts]
    totals = shown.totals
    if totals.discounts or totals.vat:
        parts = [_("Subtotal {amount}").format(amount=money(totals.subtotal, reader))]
        if totals.discounts:
            parts.append(_("discounts −{amount}").format(amount=money(totals.discounts, reader)))
        if totals.vat:
            vat = money(totals.vat, reader)
            parts.append(
                _("VAT included {amount}").format(amount=vat)
                if totals.vat_included
                else _("VAT {amount}").format(amount=vat)
            )
        lines.append("🧾 " + " · ".join(parts))
    return [*lines, f"💰 {money(totals.total, reader)}"]


def balance_text(left: Balance, currency: str, locale: str) -> str:
    """What a deal's payments came to, and what is left of its amount."""
    paid = format_currency(left.paid, currency, locale=locale)
    if left.owed is None:
        return _("💳 Paid {paid}").format(paid=paid)
    owed = format_currency(left.owed, currency, locale=locale)
    return _("💳 Paid {paid} · owed {owed}").format(paid=paid, owed=owed)


def paper_line(paper: PaperView) -> str:
    line = "🗂 " + escape(title_of(paper.kind, paper.number, paper.version))
    if paper.accepted:
        return line + " · " + _("✅ accepted")
    return line + " · " + _("📤 sent") if paper.sent else line


def discount_text(discount: DiscountView, reader: Reader) -> str:
    value = (
        f"{quantity_text(discount.value, reader.locale)}%"
        if discount.kind == PERCENT
        else money(discount.value, reader)
    )
    if discount.rule is not None:
        given = _("−{value}, by rule «{rule}»").format(value=value, rule=escape(discount.rule))
    else:
        given = _("−{value}, by {name}").format(value=value, name=escape(discount.by or "?"))
    if discount.state == PENDING:
        return _("⏳ {discount}: waiting for the owner").format(discount=given)
    return given


def button(card: Versioned, text: str, action: CardAction, arg: int = 0) -> InlineKeyboardButton:
    data = CardCb(action=action, deal_id=card.deal_id, version=card.version, arg=arg)
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def back(card: Versioned) -> list[InlineKeyboardButton]:
    return [button(card, _("« Back to the card"), CardAction.CARD)]


def card_keyboard(card: DealCard, reader: Reader) -> InlineKeyboardMarkup | None:
    """None for someone who may read the card but no longer work on it (handed over)."""
    if not reader.works_on(card):
        return None
    first = []
    if card.taken_at is None and card.closed_at is None:
        take = DealCb(action=DealAction.TAKE, deal_id=card.deal_id)
        first.append(InlineKeyboardButton(text=_("✅ Take"), callback_data=take.pack()))
    reply = DealCb(action=DealAction.REPLY, deal_id=card.deal_id)
    first.append(InlineKeyboardButton(text=_("↩️ Reply"), callback_data=reply.pack()))
    rows = [first]
    if card.closed_at is not None:
        rows.append(
            [
                button(card, _("📝 Note"), CardAction.NOTE),
                button(card, _("📜 History"), CardAction.HISTORY),
                customer_button(card.deal_id),
            ]
        )
        rows.append([contract_button(card.deal_id), fields_button(card.deal_id)])
        rows.append([documents_button(card.deal_id)])
        if card.items is not None:
            rows.append([items_button(card.deal_id, card.version)])
        if reader.is_owner:
            rows.append([button(card, _("🔓 Reopen"), CardAction.REOPEN)])
        return InlineKeyboardMarkup(inline_keyboard=rows + merge_row(card, reader))
    moves = []
    if card.next_stage is not None:
        name = stage_name(card.next_stage.names, reader.locale)
        moves.append(button(card, f"➡️ {name}", CardAction.NEXT))
    moves.append(button(card, _("🔀 Stage…"), CardAction.STAGES))
    rows += [
        moves,
        [
            *([] if card.items is not None else [button(card, _("💰 Amount"), CardAction.AMOUNT)]),
            items_button(card.deal_id, card.version),
            button(card, _("📝 Note"), CardAction.NOTE),
        ],
        [
            button(card, _("❌ Lost"), CardAction.LOST),
            button(card, _("👥 Reassign"), CardAction.HANDOVER),
        ],
        [
            button(card, _("📜 History"), CardAction.HISTORY),
            fields_button(card.deal_id),
            customer_button(card.deal_id),
        ],
        [
            remind_button(card.deal_id),
            contract_button(card.deal_id),
            documents_button(card.deal_id),
        ],
        *merge_row(card, reader),
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def merge_row(card: DealCard, reader: Reader) -> list[list[InlineKeyboardButton]]:
    """The owner may join the customer with the one the card shows it may be."""
    if not reader.is_owner or card.match is None:
        return []
    return [[button(card, _("🔗 Merge"), CardAction.MERGE, card.match.customer_id)]]
