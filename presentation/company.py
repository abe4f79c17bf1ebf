"""/company: the owner's details for documents, one language at a time, and the logo."""

from __future__ import annotations

from enum import StrEnum
from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from presentation.callbacks import Number
from presentation.keyboards import LANGUAGES
from services.company_details import Company
from services.document_content import DETAILS


class CompanyAction(StrEnum):
    LANGUAGE = "l"
    DETAIL = "d"
    LOGO = "g"
    PAYMENTS = "p"
    TEMPLATE = "t"


class CompanyCb(CallbackData, prefix="co"):
    action: CompanyAction
    locale: str
    # DETAILS' index, for DETAIL.
    detail: Number = 0


def detail_names() -> dict[str, str]:
    return {
        "name": _("Name"),
        "address": _("Address"),
        "tax_number": _("Tax number"),
        "bank": _("Bank details"),
        "footer": _("Document footer"),
    }


def company_text(company: Company, locale: str) -> str:
    names, shown = detail_names(), company.details[locale]
    lines = [
        _("🏢 <b>Company details</b> for documents in {language}").format(
            language=LANGUAGES[locale]
        ),
        "",
    ]
    for key in DETAILS:
        lines.append(f"<b>{names[key]}:</b> {escape(shown[key]) if shown[key] else '—'}")
    lines.append(
        _("<b>Logo:</b> {state}").format(state=_("set") if company.has_logo else _("not set"))
    )
    lines.append(
        _("<b>Payments in Telegram:</b> on")
        if company.payments
        else _("<b>Payments in Telegram:</b> off")
    )
    lines += [
        "",
        _("Customers get documents in their language; a detail missing there comes from another."),
    ]
    return "\n".join(lines)


def company_keyboard(locale: str) -> InlineKeyboardMarkup:
    names = detail_names()
    languages = [
        InlineKeyboardButton(
            text=("· " + name + " ·") if code == locale else name,
            callback_data=CompanyCb(action=CompanyAction.LANGUAGE, locale=code).pack(),
        )
        for code, name in LANGUAGES.items()
    ]
    details = [
        InlineKeyboardButton(
            text="✏️ " + names[key],
            callback_data=CompanyCb(
                action=CompanyAction.DETAIL, locale=locale, detail=index
            ).pack(),
        )
        for index, key in enumerate(DETAILS)
    ]
    logo = InlineKeyboardButton(
        text=_("🖼 Logo"), callback_data=CompanyCb(action=CompanyAction.LOGO, locale=locale).pack()
    )
    paying = InlineKeyboardButton(
        text=_("💳 Payments"),
        callback_data=CompanyCb(action=CompanyAction.PAYMENTS, locale=locale).pack(),
    )
    template = InlineKeyboardButton(
        text=_("📝 Contract template"),
        callback_data=CompanyCb(action=CompanyAction.TEMPLATE, locale=locale).pack(),
    )
    return InlineKeyboardMarkup(
        inline_keyboard=[
            languages,
            details[:2],
            details[2:4],
            [details[4], logo],
            [paying, template],
        ]
    )


def detail_prompt(key: str, locale: str) -> str:
    return _("Send the {detail} for documents in {language}. - clears it; /cancel stops.").format(
        detail=detail_names()[key].lower(), language=LANGUAGES[locale]
    )


def logo_prompt() -> str:
    return _("Send the logo as a photo. /cancel stops.")


def token_prompt() -> str:
    return _(
        "Send the payment provider token from @BotFather (Bot Settings → Payments): customers "
        "then pay invoices right in the chat. - turns it off; /cancel stops. "
        "I delete your message with the token once it is saved."
    )
