"""Who reads a deal card: the company's zone and currency, the reader's language and role."""

from __future__ import annotations

from datetime import datetime

from bot.settings import Settings
from presentation.deals.card import Reader
from services.access import Actor


def reader_of(settings: Settings, actor: Actor, now: datetime) -> Reader:
    return Reader(
        settings.zone, actor.locale, settings.currency, now, actor.is_owner, actor.user_id
    )
