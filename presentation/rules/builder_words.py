"""The rule builder's words: the names on its buttons and its questions."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from presentation.keyboards import LANGUAGES
from presentation.rules.describe import strategy_name
from services.rules import drafting as d
from services.rules import model as m


def trigger_kinds() -> dict[str, str]:
    return {
        m.CREATED: _("📥 A request is created"),
        m.STAGE_ENTERED: _("➡️ A deal enters a stage"),
        m.STAGE_LEFT: _("⬅️ A deal leaves a stage"),
        m.FIELD_CHANGED: _("✏️ A field changes"),
        m.CROSSED: _("📈 A number reaches a value"),
        m.CUSTOMER_WROTE: _("💬 The customer writes"),
        m.NO_RESPONSE: _("⏳ Nobody answers in time"),
        m.TASK_OVERDUE: _("⏰ A task is overdue"),
        m.IDLE: _("💤 A deal stays idle"),
        m.DATE: _("📅 Before or after a date"),
        m.RULE_ACTED: _("🔗 Another rule acts"),
        m.QUOTE_ACCEPTED: _("✅ The customer accepts a quote"),
        m.PAYMENT_RECEIVED: _("💳 A payment is received"),
        m.RATED: _("⭐ A customer rates a deal"),
    }


def amount_name() -> str:
    return _("💰 Amount")


def date_from() -> dict[str, str]:
    return {m.WON: _("🏆 The day the deal was won"), m.CONTRACT_END: _("📄 The contract's end")}


def fact_names() -> dict[str, str]:
    return {
        m.SOURCE: _("Source"),
        m.STAGE: _("Stage"),
        m.AMOUNT: amount_name(),
        m.MANAGER: _("Responsible manager"),
        m.LANGUAGE: _("Customer's language"),
        m.WORKING_HOURS: _("Working hours"),
        m.TAG: _("Tag"),
        m.RATING: _("⭐ Customer's rating"),
    }


def operator_names() -> dict[str, str]:
    return {
        m.GT: _("> more than"),
        m.GE: _("≥ at least"),
        m.LT: _("< less than"),
        m.LE: _("≤ at most"),
        m.EQ: _("= is"),
        m.NE: _("≠ is not"),
        m.EMPTY: _("is empty"),
        m.FILLED: _("is filled"),
    }


def languages() -> dict[str, str]:
    return dict(LANGUAGES)


def action_kinds() -> dict[str, str]:
    return {
        m.ASSIGN: _("👤 Give the deal"),
        m.MOVE: _("➡️ Move to a stage"),
        m.TASK: _("⏰ Create a task"),
        m.MESSAGE: _("💬 Send a message"),
        m.SET_FIELD: _("✏️ Set a field"),
        d.ADD_TAG: _("🏷 Add a tag"),
        d.REMOVE_TAG: _("🏷 Remove a tag"),
        m.WEBHOOK: _("🌐 Post to a webhook"),
        m.DISCOUNT: _("🏷 Apply a discount"),
    }


def strategy(name: str) -> str:
    return _("A manager: {way}").format(way=strategy_name(name))


def roles() -> dict[str, str]:
    return {
        m.RESPONSIBLE: _("The responsible manager"),
        m.OWNERS: _("The owners"),
        m.CUSTOMER: _("The customer"),
        m.NEXT: _("The next manager in turn"),
    }


def title() -> str:
    return _("<b>New rule</b>")


def wrong_step() -> str:
    return _("That button is from an earlier step. Use the latest message, or /cancel.")


def use_buttons() -> str:
    return _("Please choose on the buttons, or /cancel.")


def saved() -> str:
    return _("✅ Rule saved and switched on. /rules lists your rules.")


def cancelled() -> str:
    return _("Cancelled. The rule was not saved.")


def not_saved() -> str:
    return _("The rule was not saved:")


def at_once() -> str:
    return _("At once")


def due_at_once() -> str:
    return _("Due at once")


def no_note() -> str:
    return _("No note")


def closed() -> str:
    return _("This rule is no longer being built. Send /newrule to build one.")
