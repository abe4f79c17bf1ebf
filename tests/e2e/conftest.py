"""The real bot, polling the Bot API emulator over HTTP, with its outbox sender running."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.app import App, build_app, prepare
from bot.emulator import Emulator, start_emulator
from bot.polling import poll
from bot.settings import Settings
from services.clock import ManualClock

OWNER_ID = 1


@dataclass
class Live:
    emulator: Emulator
    app: App


@pytest.fixture
async def live(database_url: str, clock: ManualClock) -> AsyncIterator[Live]:
    async with start_emulator() as running:
        settings = Settings(
            _env_file=None,
            bot_token=running.emulator.token,
            telegram_api_url=running.base_url,
            database_url=database_url,
            owner_ids=[OWNER_ID],
            timezone="Asia/Baku",
            send_rate_per_chat=1000,
            send_rate_global=1000,
        )
        app = build_app(settings, clock=clock)
        running.emulator.user(OWNER_ID, "Olga", language_code="en")
        await prepare(app)
        allowed = app.dispatcher.resolve_used_update_types()
        polling = asyncio.create_task(poll(app.bot, app.inbox, allowed, timeout=1))
        sender = asyncio.create_task(app.sender.run(idle=0.05))
        try:
            yield Live(running.emulator, app)
        finally:
            for task in (polling, sender):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await app.inbox.close(grace=1)
            await app.bot.session.close()
            await app.engine.dispose()
