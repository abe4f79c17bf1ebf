"""Texts shown to people, in the reader's language, with Babel formatting."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from html import escape
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from babel.dates import format_skeleton

from services.lead_sources import MANUAL
from services.views import RequestSummary


def when(moment: datetime, zone: ZoneInfo, locale: str) -> str:
    """The day and the minute, as the reader's zone and language write them."""
    local = moment.astimezone(zone)
    return _minute(local.replace(second=0, microsecond=0, tzinfo=None), locale)


@lru_cache(maxsize=1024)
def _minute(local: datetime, locale: str) -> str:
    # Finding the locale's pattern for a skeleton is most of Babel's work, and a card shows
    # the same few minutes again and again: each minute is written once per language.
    day = format_skeleton("yMMMd", local, locale=locale)
    return f"{day}, {format_skeleton('Hm', local, locale=locale)}"


def stage_name(names: dict[str, str], locale: str) -> str:
    return names.get(locale) or names.get("en") or next(iter(names.values()), "")


def source_name(source: str) -> str:
    """How a request came, or where one entered by hand came from (services/lead_sources.py);
    an owner's own source is named as they wrote it (not escaped)."""
    names = {
        "telegram": _("Telegram"),
        "web": _("website"),
        "phone": _("phone call"),
        "manual": _("entered by hand"),
        "walk_in": _("walk-in"),
        "instagram": _("Instagram"),
        "whatsapp": _("WhatsApp"),
        "email": _("e-mail"),
        "recommendation": _("recommendation"),
    }
    return names.get(source, source)


def detail_name(source: str, detail: str) -> str:
    """What a request's source says more: the lead source of one entered by hand, or what a
    website form said (as it said it)."""
    return source_name(detail) if source == MANUAL else detail


def request_line(item: RequestSummary, zone: ZoneInfo, locale: str) -> str:
    return _("#{number} · {time} · {stage}").format(
        number=item.deal_id,
        time=when(item.created_at, zone, locale),
        stage=escape(stage_name(item.stage_names, locale)),
    )
