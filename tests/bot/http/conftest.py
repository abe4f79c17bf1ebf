"""The HTTP API served by the real aiohttp application on the dispatcher harness, with a token."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.http.server import create_http_app
from services import api_tokens
from tests.support.api import Api
from tests.support.harness import Harness


@pytest.fixture
async def api(tg: Harness) -> AsyncIterator[Api]:
    async with tg.app.sessions() as session:
        token = await api_tokens.create(session, None, "website", tg.app.clock.now())
    async with TestClient(TestServer(create_http_app(tg.app))) as client:
        yield Api(tg, client, {"Authorization": f"Bearer {token.secret}"})
