"""A whole sandbox (emulator, bot, page API) on free ports, and a client for its HTTP API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import aiohttp
import pytest

from bot.settings import Settings
from bot.sweeps.scheduler import Sweep
from sandbox.sandbox import Sandbox
from sandbox.server import start_sandbox

StartSandbox = Callable[..., AbstractAsyncContextManager[Sandbox]]


def base_settings() -> Settings:
    # Sends are not throttled, so a test never waits for the per-chat budget.
    return Settings(
        _env_file=None, timezone="Asia/Baku", send_rate_per_chat=1000, send_rate_global=1000
    )


@pytest.fixture
def sandbox_factory(database_url: str) -> StartSandbox:
    @asynccontextmanager
    async def start(
        with_demo: bool = False, sweeps: Sequence[Sweep] = ()
    ) -> AsyncIterator[Sandbox]:
        async with start_sandbox(
            base_settings(),
            port=0,
            with_demo=with_demo,
            database_url=database_url,
            sweeps=sweeps,
        ) as sandbox:
            yield sandbox

    return start


class Client:
    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session = session
        self.url = url

    async def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        async with self.session.request(method, self.url + path, json=body) as response:
            return response.status, await response.json()

    async def get(self, path: str) -> Any:
        status, body = await self.call("GET", path)
        assert status == 200, body
        return body["result"]

    async def post(self, path: str, body: Any = None) -> Any:
        status, body = await self.call("POST", path, body or {})
        assert status == 200, body
        return body["result"]


@pytest.fixture
async def client() -> AsyncIterator[Callable[[Sandbox], Client]]:
    async with aiohttp.ClientSession() as session:
        yield lambda sandbox: Client(session, sandbox.url + "/")
