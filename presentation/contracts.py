"""Texts and buttons of contracts and renewal reminders, in the reader's language."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_date

from presentation.callbacks import Number
from presentation.short import Button, back_label, first_keyboard, more_keyboard, more_label
from presentation.tasks import open_deal_button
from services.contracts import ContractView


class ContractAction(StrEnum):
    EDIT = "e"
    RENEW = "r"
    DROP = "x"
    SNOOZE = "s"
    MORE = "m"
    BACK = "b"


class ContractCb(CallbackData, prefix="ct"):
    """EDIT carries a deal id (the card's button); the others a contract id."""

    action: ContractAction
    ref: Number


EXAMPLE = "A-17 01.01.2026 31.12.2026"


def day(value: date, locale: str) -> str:
    return str(format_date(value, format="medium", locale=locale))


def days_left(ends_on: date, today: date) -> str:
    days = (ends_on - today).days
    if days == 0:
        return _("ends today")
    return ngettext("in {n} day", "in {n} days", days).format(n=days)


def contract_line(contract: ContractView, today: date, locale: str) -> str:
    return _("📄 {number} · {customer} · ends {date} ({left}) · #{deal}").format(
        number=escape(contract.number),
        customer=escape(contract.customer_name or "—"),
        date=day(contract.ends_on, locale),
        left=days_left(contract.ends_on, today),
        deal=contract.deal_id,
    )


def upcoming_text(contracts: list[ContractView], today: date, locale: str) -> str:
    if not contracts:
        return _("No contracts end in the next 60 days.")
    lines = [_("<b>Contracts ending in the next 60 days</b>")]
    lines += [contract_line(c, today, locale) for c in contracts]
    return "\n".join(lines)


def upcoming_keyboard(contracts: list[ContractView]) -> InlineKeyboardMarkup | None:
    if not contracts:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[[open_deal_button(c.deal_id)] for c in contracts])


def reminder_text(contract: ContractView, today: date, locale: str) -> str:
    return _(
        "📄 Contract {number} with {customer} ends on {date} ({left}).\nRequest #{deal}. Renew it?"
    ).format(
        number=escape(contract.number),
        customer=escape(contract.customer_name or "—"),
        date=day(contract.ends_on, locale),
        left=days_left(contract.ends_on, today),
        deal=contract.deal_id,
    )


def _act(contract: ContractView, text: str, action: ContractAction) -> Button:
    data = ContractCb(action=action, ref=contract.contract_id).pack()
    return Button(text=text, callback_data=data)


def reminder_keyboard(contract: ContractView) -> InlineKeyboardMarkup:
    """Renew and Not renewing; Remind me tomorrow and the request behind ⋯ More."""
    first = [
        _act(contract, _("🔁 Renew"), ContractAction.RENEW),
        _act(contract, _("🚫 Not renewing"), ContractAction.DROP),
    ]
    return first_keyboard(first, _act(contract, more_label(), ContractAction.MORE))


def reminder_more_keyboard(contract: ContractView) -> InlineKeyboardMarkup:
    more = [
        _act(contract, _("💤 Remind me tomorrow"), ContractAction.SNOOZE),
        open_deal_button(contract.deal_id),
    ]
    return more_keyboard(more, _act(contract, back_label(), ContractAction.BACK))


def contract_prompt(deal_id: int, current: ContractView | None, locale: str) -> str:
    ask = _(
        "Send the contract number, start and end dates for request #{number}, like {example}. "
        "/cancel to stop."
    ).format(number=deal_id, example=EXAMPLE)
    if current is None:
        return ask
    now_text = _("Now: {number}, {start} – {end}.").format(
        number=escape(current.number),
        start=day(current.starts_on, locale),
        end=day(current.ends_on, locale),
    )
    return f"{now_text}\n{ask}"


def contract_saved(contract: ContractView, locale: str) -> str:
    return _("📄 Contract {number} saved for request #{deal}: {start} – {end}.").format(
        number=escape(contract.number),
        deal=contract.deal_id,
        start=day(contract.starts_on, locale),
        end=day(contract.ends_on, locale),
    )


def renewed_text(contract: ContractView) -> str:
    return _("🔁 Renewal request #{new} opened for contract {number}.").format(
        new=contract.renewal_deal_id, number=escape(contract.number)
    )


def reason_prompt(contract: ContractView) -> str:
    return _(
        "Why is contract {number} not being renewed? Write it in a few words. /cancel to stop."
    ).format(number=escape(contract.number))


def not_renewing_text(contract: ContractView) -> str:
    return _("🚫 Contract {number} will not be renewed: {reason}").format(
        number=escape(contract.number), reason=escape(contract.reason or "")
    )
