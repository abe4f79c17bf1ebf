"""The real bot, polling the Bot API emulator over HTTP, with its outbox sender running."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.app import App, build_app, prepare
from bot.emulator import Emulator, start_emulator
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
        polling = asyncio.create_task(
            app.dispatcher.start_polling(app.bot, handle_signals=False, polling_timeout=1)
        )
        sender = asyncio.create_task(app.sender.run(idle=0.05))
        try:
            yield Live(running.emulator, app)
        finally:
            sender.cancel()
            with contextlib.suppress(RuntimeError):
                await app.dispatcher.stop_polling()
            await polling
            with contextlib.suppress(asyncio.CancelledError):
                await sender
            await app.bot.session.close()
            await app.engine.dispose()
