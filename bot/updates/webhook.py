"""Webhook mode: Telegram posts each update to WEBHOOK_URL with WEBHOOK_SECRET in a header. An
update is kept in the inbox before it is answered 200, so one lost to a crash is handled after
the restart; one posted again changes nothing.

aiogram's own webhook handler answers Telegram before it handles an update (a crash loses it)
or after (a slow handler makes Telegram post it again); neither keeps it first, so this route
reads the update with aiogram's models and hands it to the inbox."""

from __future__ import annotations

import hmac
import logging
from urllib.parse import urlparse

from aiogram import Bot
from aiogram.types import Update
from aiohttp import web
from pydantic import SecretStr, ValidationError

from bot.updates.inbox import UpdateInbox, passing

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_path(url: str) -> str:
    return urlparse(url).path or "/"


def add_webhook_route(
    web_app: web.Application, url: str, secret: SecretStr, bot: Bot, updates: UpdateInbox
) -> None:
    expected = secret.get_secret_value().encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return web.Response(status=401)
        try:
            update = Update.model_validate(await request.json(), context={"bot": bot})
        except (ValueError, ValidationError, RecursionError):
            return web.Response(status=400, text="not an update")
        try:
            await updates.receive([update])
        except Exception as error:
            if not passing(error):
                raise
            # Not kept: Telegram posts it again later.
            log.warning("update %s not kept now: %r", update.update_id, error)
            return web.Response(status=503)
        return web.Response()

    web_app.router.add_post(webhook_path(url), receive)


async def register_webhook(bot: Bot, url: str, secret: SecretStr, allowed: list[str]) -> None:
    await bot.set_webhook(url, secret_token=secret.get_secret_value(), allowed_updates=allowed)
