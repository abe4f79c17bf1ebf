"""What a rule sends: the owner's text in the reader's language (else the first one written),
its placeholders filled from the deal as it is at send time, formatted for the reader."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _
from babel.numbers import format_currency

from presentation.field_values import plain_value
from presentation.rules.describe import failure_text
from services.rules.placeholders import FIELD, PLACEHOLDER, fill
from services.views import DealCard


def pick_text(texts: dict[str, str], locale: str) -> str:
    return texts.get(locale) or texts.get("en") or next(iter(texts.values()), "")


def fills_in(texts: dict[str, str], locale: str) -> bool:
    """Whether the reader's text has placeholders: only then is the deal looked up."""
    return PLACEHOLDER.search(pick_text(texts, locale)) is not None


def filled(texts: dict[str, str], card: DealCard | None, locale: str, currency: str) -> str:
    """The text as HTML: what the owner wrote is escaped, then each value is put in (none
    without the deal's card: `fills_in` said there is none to put)."""

    def value_of(name: str) -> str | None:
        if card is None:
            return None
        if name == "customer":
            return escape(card.customer_name)
        if name == "number":
            return str(card.deal_id)
        if name == "amount":
            if card.amount is None:
                return "—"
            return escape(str(format_currency(card.amount, currency, locale=locale)))
        if name == "manager":
            return escape(card.manager_name or "—")
        if name.startswith(FIELD):
            key = name[len(FIELD) :]
            shown = next((s for s in card.fields if s.field.key == key), None)
            if shown is None:
                return "—"
            return escape(plain_value(shown.field, shown.value, locale, currency))
        return None

    return fill(escape(pick_text(texts, locale)), value_of)


def staff_text(body: str, deal_id: int) -> str:
    return _("🤖 <b>#{number}</b>\n{text}").format(number=deal_id, text=body)


def failed_text(name: str, problem: str) -> str:
    return _("⏸ The rule «{name}» was switched off: {reason}. Open /rules to fix it.").format(
        name=escape(name), reason=failure_text(problem)
    )
