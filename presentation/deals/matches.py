"""What a deal card says of another customer its request may be."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _

from services.customer_matches import CustomerMatch, MatchKind
from services.phones import display_phone


def customer_label(name: str, phone: str | None) -> str:
    """A customer as people read them: the name, else the number."""
    if name:
        return escape(name)
    return display_phone(phone) if phone else "—"


def match_line(match: CustomerMatch) -> str:
    """Which other customer the request may be, and by what."""
    who = customer_label(match.name, match.phone)
    if match.deal_id is None:
        return _match_texts(match)[0].format(customer=who)
    return _match_texts(match)[1].format(customer=who, number=match.deal_id)


def _match_texts(match: CustomerMatch) -> tuple[str, str]:
    if match.kind == MatchKind.TELEGRAM and match.by == MatchKind.EMAIL:
        return (
            _("⚠️ Same Telegram account as {customer}, by e-mail"),
            _("⚠️ Same Telegram account as {customer} by e-mail, request #{number}"),
        )
    if match.kind == MatchKind.TELEGRAM:
        return (
            _("⚠️ Same Telegram account as {customer}, by phone"),
            _("⚠️ Same Telegram account as {customer} by phone, request #{number}"),
        )
    if match.kind == MatchKind.EMAIL:
        return (
            _("⚠️ Same e-mail as {customer}"),
            _("⚠️ Same e-mail as {customer}, request #{number}"),
        )
    return (
        _("⚠️ Same phone as {customer}"),
        _("⚠️ Same phone as {customer}, request #{number}"),
    )
