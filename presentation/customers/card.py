"""The customer card: who they are, how to reach them, and every request, newest first."""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from babel.dates import format_date

from presentation.customers.callbacks import CustomerAction, CustomerCb, CustomerValueCb
from presentation.deals.callbacks import DealOpenCb
from presentation.deals.card import Reader, money
from presentation.field_values import ValueAction, field_lines
from presentation.keyboards import LANGUAGES
from presentation.render import source_name, stage_name
from services.access import SUPPORTED_LOCALES
from services.customer_edits import Detail
from services.customer_views import CustomerCard, CustomerDeal
from services.phones import display_phone


def button(
    card: CustomerCard, text: str, action: CustomerAction, arg: int = 0
) -> InlineKeyboardButton:
    data = CustomerCb(action=action, target=card.customer_id, version=card.version, arg=arg)
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def value_button(
    customer_id: int, version: int, text: str, action: ValueAction, field_id: int = 0, arg: int = 0
) -> InlineKeyboardButton:
    data = CustomerValueCb(
        action=action, customer_id=customer_id, version=version, field_id=field_id, arg=arg
    )
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def fields_button(customer_id: int, version: int) -> InlineKeyboardButton:
    return value_button(customer_id, version, _("🧾 Fields"), ValueAction.LIST)


def open_button(customer_id: int, text: str) -> InlineKeyboardButton:
    data = CustomerCb(action=CustomerAction.OPEN, target=customer_id)
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def back(card: CustomerCard) -> list[InlineKeyboardButton]:
    return [back_button(card.customer_id, card.version, card.page)]


def back_button(customer_id: int, version: int, page: int = 0) -> InlineKeyboardButton:
    data = CustomerCb(action=CustomerAction.CARD, target=customer_id, version=version, arg=page)
    return InlineKeyboardButton(text=_("« Back to the customer"), callback_data=data.pack())


def deal_line(deal: CustomerDeal, reader: Reader) -> str:
    parts = [f"#{deal.deal_id}", escape(stage_name(deal.stage_names, reader.locale))]
    if deal.amount is not None:
        parts.append(money(deal.amount, reader))
    local = deal.created_at.astimezone(reader.zone).date()
    parts.append(format_date(local, format="medium", locale=reader.locale))
    return " · ".join(parts)


def phone_line(phone: str, main: bool) -> str:
    return f"📞 {display_phone(phone)}" + (" ⭐" if main else "")


def card_text(card: CustomerCard, reader: Reader) -> str:
    lines = [f"<b>👤 {escape(card.name or '—')}</b>"]
    lines += [phone_line(p.phone, p.main) for p in card.phones]
    for emoji, value in (("✉️", card.email), ("🏢", card.company), ("🏠", card.address)):
        if value:
            lines.append(f"{emoji} {escape(value)}")
    if card.language:
        lines.append(f"🗣 {LANGUAGES.get(card.language, card.language)}")
    if card.birthday:
        lines.append(f"🎂 {format_date(card.birthday, format='long', locale=reader.locale)}")
    if card.tags:
        lines.append("🏷 " + " · ".join(escape(t.name) for t in card.tags))
    lines += field_lines(card.fields, reader.locale, reader.currency)
    if card.notes:
        lines.append(f"📝 {escape(card.notes)}")
    since = format_date(card.created_at.astimezone(reader.zone).date(), locale=reader.locale)
    lines.append(
        _("Source: {source} · customer since {date}").format(
            source=source_name(card.source), date=since
        )
    )
    lines.append(_("<b>Requests: {n}</b>").format(n=card.deals_total))
    lines += [deal_line(deal, reader) for deal in card.deals]
    if card.pages > 1:
        lines.append(_("Page {page} of {pages}").format(page=card.page + 1, pages=card.pages))
    return "\n".join(lines)


def card_keyboard(card: CustomerCard, reader: Reader) -> InlineKeyboardMarkup:
    edit = CustomerAction.EDIT
    rows = [
        [
            button(card, _("✏️ Name"), edit, Detail.NAME),
            button(card, _("📞 Phones"), CustomerAction.PHONES),
        ],
        [
            button(card, _("✉️ E-mail"), edit, Detail.EMAIL),
            button(card, _("🏢 Company"), edit, Detail.COMPANY),
        ],
        [
            button(card, _("🏠 Address"), edit, Detail.ADDRESS),
            button(card, _("🗣 Language"), CustomerAction.LANGUAGES),
        ],
        [
            button(card, _("🎂 Birthday"), edit, Detail.BIRTHDAY),
            button(card, _("🏷 Tags"), CustomerAction.TAGS),
        ],
        [
            button(card, _("📝 Notes"), edit, Detail.NOTES),
            button(card, _("📜 History"), CustomerAction.HISTORY),
        ],
    ]
    if card.fillable:
        rows.append([fields_button(card.customer_id, card.version)])
    deals = [
        InlineKeyboardButton(
            text=f"#{deal.deal_id} · {stage_name(deal.stage_names, reader.locale)}",
            callback_data=DealOpenCb(deal_id=deal.deal_id).pack(),
        )
        for deal in card.deals
        if reader.is_owner or deal.manager_id == reader.user_id
    ]
    rows += [deals[i : i + 2] for i in range(0, len(deals), 2)]
    arrows = []
    if card.page > 0:
        arrows.append(button(card, "‹", CustomerAction.CARD, card.page - 1))
    if card.page + 1 < card.pages:
        arrows.append(button(card, "›", CustomerAction.CARD, card.page + 1))
    if arrows:
        rows.append(arrows)
    return InlineKeyboardMarkup(inline_keyboard=rows)


def phones_text(card: CustomerCard) -> str:
    lines = [_("<b>Phones of {name}</b>").format(name=escape(card.name or "—"))]
    lines += [phone_line(p.phone, p.main) for p in card.phones] or [_("No phones yet.")]
    lines.append(_("⭐ marks the main number. Tap a number to make it the main one."))
    return "\n".join(lines)


def phones_keyboard(card: CustomerCard) -> InlineKeyboardMarkup:
    rows = []
    for phone in card.phones:
        row = [
            button(
                card,
                ("⭐ " if phone.main else "") + display_phone(phone.phone),
                CustomerAction.MAIN,
                phone.phone_id,
            )
        ]
        if phone.phone_id:
            row.append(button(card, "🗑", CustomerAction.DROP_PHONE, phone.phone_id))
        rows.append(row)
    rows.append([button(card, _("➕ Add a phone"), CustomerAction.ADD_PHONE)])
    rows.append(back(card))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def languages_keyboard(card: CustomerCard) -> InlineKeyboardMarkup:
    rows = [
        [
            button(
                card,
                ("✓ " if card.language == code else "") + LANGUAGES[code],
                CustomerAction.LANGUAGE,
                index,
            )
        ]
        for index, code in enumerate(SUPPORTED_LOCALES, start=1)
    ]
    rows.append([button(card, _("✖ Clear"), CustomerAction.LANGUAGE, 0)])
    rows.append(back(card))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def languages_text(card: CustomerCard) -> str:
    return _("<b>{name}</b> speaks:").format(name=escape(card.name or "—"))


def tags_text(card: CustomerCard) -> str:
    lines = [_("<b>Tags of {name}</b>").format(name=escape(card.name or "—"))]
    if card.tags:
        lines.append(" · ".join(escape(t.name) for t in card.tags))
        lines.append(_("Tap a tag to remove it."))
    else:
        lines.append(_("No tags yet."))
    return "\n".join(lines)


def tags_keyboard(card: CustomerCard) -> InlineKeyboardMarkup:
    rows = [[button(card, f"✖ {t.name}", CustomerAction.DROP_TAG, t.tag_id)] for t in card.tags]
    rows.append([button(card, _("➕ Add tags"), CustomerAction.ADD_TAGS)])
    rows.append(back(card))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def detail_prompt(detail: Detail) -> str:
    return {
        Detail.NAME: _("Send the customer's name, or /cancel."),
        Detail.EMAIL: _("Send the e-mail address, - to clear it, or /cancel."),
        Detail.COMPANY: _("Send the company's name, - to clear it, or /cancel."),
        Detail.ADDRESS: _("Send the address, - to clear it, or /cancel."),
        Detail.NOTES: _("Send the notes (only the team sees them), - to clear them, or /cancel."),
        Detail.BIRTHDAY: _("Send the birthday like 31.12.1990, - to clear it, or /cancel."),
    }[detail]
