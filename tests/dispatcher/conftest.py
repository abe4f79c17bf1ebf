from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import build_app
from bot.ratelimit import SendBudget
from bot.settings import Settings
from services.clock import ManualClock
from services.users import ensure_owners
from tests.fakes import RecordingSession
from tests.harness import Harness

OWNER_ID = 1


@pytest.fixture
async def tg(database_url: str, clock: ManualClock) -> AsyncIterator[Harness]:
    settings = Settings(
        _env_file=None,
        bot_token="123456:TEST",
        database_url=database_url,
        owner_ids=[OWNER_ID],
        timezone="Asia/Baku",
    )
    recorder = RecordingSession()
    app = build_app(settings, clock=clock, session=recorder)
    app.sender.budget = SendBudget(1e9, 1e9)
    async with app.sessions() as session:
        await ensure_owners(session, settings.owner_ids, clock.now())
    await app.bot.me()  # polling starts with getMe too; later calls use the cached answer
    recorder.calls.clear()
    yield Harness(app, recorder)
    await app.engine.dispose()
