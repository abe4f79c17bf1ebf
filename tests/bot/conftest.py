"""The bot as an operator sees it (see tests.support.ops): for the ops and sweeps tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import build_app
from bot.http.server import create_http_app
from services.clock import ManualClock
from services.users import ensure_owners
from tests.support.fakes import GrantingBudget
from tests.support.harness import Harness, make_settings
from tests.support.ops import Ops, Refusing


@pytest.fixture
async def ops(database_url: str, clock: ManualClock) -> AsyncIterator[Ops]:
    session = Refusing()
    settings = make_settings(database_url)
    # A 429 is noted by this budget, not waited out: the test's time is its own.
    app = build_app(settings, clock=clock, session=session, budget=GrantingBudget())
    async with app.sessions() as db:
        await ensure_owners(db, settings.owner_ids, clock.now())
    await app.bot.me()
    session.calls.clear()
    async with TestClient(TestServer(create_http_app(app))) as client:
        yield Ops(Harness(app, session), client, session)
    await app.inbox.close(grace=1)
    await app.engine.dispose()
