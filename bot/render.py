"""Texts shown to people, in the reader's language, with Babel formatting."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_skeleton

from services.phones import display_phone
from services.views import DealCard, RequestSummary


def when(moment: datetime, zone: ZoneInfo, locale: str) -> str:
    local = moment.astimezone(zone)
    day = format_skeleton("yMMMd", local, locale=locale)
    return f"{day}, {format_skeleton('Hm', local, locale=locale)}"


def stage_name(names: dict[str, str], locale: str) -> str:
    return names.get(locale) or names.get("en") or next(iter(names.values()), "")


def source_name(source: str) -> str:
    names = {
        "telegram": _("Telegram"),
        "web": _("website"),
        "phone": _("phone call"),
        "manual": _("entered by hand"),
    }
    return names.get(source, source)


def deal_card(card: DealCard, zone: ZoneInfo, locale: str) -> str:
    lines = [
        _("<b>Request #{number}</b>").format(number=card.deal_id),
        _("👤 {name}").format(name=escape(card.customer_name or "—")),
    ]
    if card.phone:
        lines.append(_("📞 {phone}").format(phone=display_phone(card.phone)))
    if card.title:
        lines.append(_("💬 {text}").format(text=escape(card.title)))
    if card.photos:
        lines.append(ngettext("📷 {n} photo", "📷 {n} photos", card.photos).format(n=card.photos))
    if card.documents:
        lines.append(
            ngettext("📎 {n} document", "📎 {n} documents", card.documents).format(
                n=card.documents
            )
        )
    lines.append(
        _("Source: {source} · {time}").format(
            source=source_name(card.source), time=when(card.created_at, zone, locale)
        )
    )
    if card.taken_at is not None:
        lines.append(
            _("✅ Taken by {name} at {time}").format(
                name=escape(card.manager_name or ""), time=when(card.taken_at, zone, locale)
            )
        )
    return "\n".join(lines)


def request_line(item: RequestSummary, zone: ZoneInfo, locale: str) -> str:
    return _("#{number} · {time} · {stage}").format(
        number=item.deal_id,
        time=when(item.created_at, zone, locale),
        stage=escape(stage_name(item.stage_names, locale)),
    )
