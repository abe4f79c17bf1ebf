"""The real bot, polling the Bot API emulator over HTTP: Telegram's limits off or on."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from emulator import Limits
from services.clock import ManualClock
from tests.support.live import Live, serving


@pytest.fixture
async def live(database_url: str, clock: ManualClock) -> AsyncIterator[Live]:
    """Telegram's limits off, and the bot's budget with them: flows at the speed of code."""
    async with serving(
        database_url, clock, send_rate_per_chat=1000, send_rate_global=1000
    ) as running:
        yield running


@pytest.fixture
async def limited(database_url: str, clock: ManualClock) -> AsyncIterator[Live]:
    """Telegram's limits on (30 a second overall, 1 a second per chat) and the bot's budget
    as it ships."""
    async with serving(database_url, clock, Limits(enabled=True)) as running:
        yield running
