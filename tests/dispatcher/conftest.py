from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from bot.app import build_app
from bot.sender.pacing import UNLIMITED
from bot.settings import Settings
from services.clock import ManualClock
from services.users import ensure_owners
from tests.fakes import RecordingSession
from tests.harness import Harness

OWNER_ID = 1


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": "123456:TEST",
        "database_url": database_url,
        "owner_ids": [OWNER_ID],
        "timezone": "Asia/Baku",
        # Telegram's limits are the end-to-end tests' concern; here every send goes at once.
        "send_rate_global": UNLIMITED,
        "send_rate_per_chat": UNLIMITED,
    }
    return Settings(_env_file=None, **(values | overrides))


@pytest.fixture
async def tg(database_url: str, clock: ManualClock) -> AsyncIterator[Harness]:
    async with harness(make_settings(database_url), clock) as tg:
        yield tg


@asynccontextmanager
async def harness(settings: Settings, clock: ManualClock) -> AsyncIterator[Harness]:
    recorder = RecordingSession()
    app = build_app(settings, clock=clock, session=recorder)
    async with app.sessions() as session:
        await ensure_owners(session, settings.owner_ids, clock.now())
    await app.bot.me()  # polling starts with getMe too; later calls use the cached answer
    recorder.calls.clear()
    yield Harness(app, recorder)
    await app.dispatcher.storage.close()
    await app.engine.dispose()
