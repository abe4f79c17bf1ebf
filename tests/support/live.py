"""The real bot, polling the Bot API emulator over HTTP, with its outbox sender running."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from bot.app import App, build_app, prepare
from bot.settings import Settings
from bot.updates.polling import poll
from emulator import Emulator, Limits, start_emulator
from services.clock import ManualClock

OWNER_ID = 1


@dataclass
class Live:
    emulator: Emulator
    app: App


@asynccontextmanager
async def serving(
    database_url: str, clock: ManualClock, limits: Limits | None = None, **settings: Any
) -> AsyncIterator[Live]:
    async with start_emulator(limits=limits) as running:
        app = build_app(
            Settings(
                _env_file=None,
                bot_token=running.emulator.token,
                telegram_api_url=running.base_url,
                database_url=database_url,
                owner_ids=[OWNER_ID],
                timezone="Asia/Baku",
                # Customers write at any hour of the run: managers take requests round the clock.
                working_hours="mon-sun 00:00-24:00",
                **settings,
            ),
            clock=clock,
        )
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


def labels(message: object) -> list[str]:
    keyboard = getattr(message, "inline_keyboard", None) or []
    return [button["text"] for row in keyboard for button in row]
