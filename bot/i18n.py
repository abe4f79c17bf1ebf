"""Gettext catalogues from locales/*.po, compiled to .mo whenever a .po is newer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiogram.types import TelegramObject
from aiogram.utils.i18n import I18n, I18nMiddleware
from babel import localedata
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from services.access import SUPPORTED_LOCALES

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


def compile_catalogues(path: Path = LOCALES_DIR) -> None:
    for po_path in path.glob(f"*/LC_MESSAGES/{DOMAIN}.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)


def load_locale_data() -> None:
    """Babel's data for each language the bot speaks (numbers, money, dates), read now rather
    than by the first update that needs it, which would wait for it (10–30 ms a language)."""
    for code in SUPPORTED_LOCALES:
        localedata.load(code)


def create_i18n(default_locale: str) -> I18n:
    compile_catalogues()
    return I18n(path=LOCALES_DIR, default_locale=default_locale, domain=DOMAIN)


class ActorI18nMiddleware(I18nMiddleware):
    """The reader's language: chosen in the bot, else Telegram's, else DEFAULT_LOCALE."""

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        actor = data.get("actor")
        return actor.locale if actor is not None else self.i18n.default_locale
