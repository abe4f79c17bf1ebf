"""Webhook mode: Telegram posts updates to WEBHOOK_URL, checked against WEBHOOK_SECRET."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from aiogram.types import ErrorEvent
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

if TYPE_CHECKING:
    from bot.app import App


log = logging.getLogger(__name__)


async def _move_on(event: ErrorEvent) -> bool:
    """A failed update is logged and answered 200, as polling moves past it: Telegram would
    otherwise post it again and repeat what it had already done (its writes are committed)."""
    log.error("update %s failed", event.update.update_id, exc_info=event.exception)
    return True


def webhook_path(url: str) -> str:
    return urlparse(url).path or "/"


def add_webhook_route(web_app: web.Application, app: App) -> None:
    assert app.settings.webhook_url is not None
    secret = app.settings.webhook_secret
    app.dispatcher.errors.register(_move_on)
    SimpleRequestHandler(
        dispatcher=app.dispatcher,
        bot=app.bot,
        # Answered only once handled: an update lost to a crash is sent again by Telegram.
        handle_in_background=False,
        secret_token=secret.get_secret_value() if secret else None,
    ).register(web_app, path=webhook_path(app.settings.webhook_url))


async def register_webhook(app: App) -> None:
    assert app.settings.webhook_url is not None
    secret = app.settings.webhook_secret
    await app.bot.set_webhook(
        app.settings.webhook_url,
        secret_token=secret.get_secret_value() if secret else None,
        allowed_updates=app.dispatcher.resolve_used_update_types(),
    )
