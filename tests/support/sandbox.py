"""A whole sandbox (emulator, bot, page API) as the tests start it, and a client for its HTTP
API."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import aiohttp

from bot.settings import Settings
from sandbox.sandbox import Sandbox

StartSandbox = Callable[..., AbstractAsyncContextManager[Sandbox]]


def base_settings() -> Settings:
    # Sends are not throttled, so a test never waits for the per-chat budget.
    return Settings(
        _env_file=None, timezone="Asia/Baku", send_rate_per_chat=1000, send_rate_global=1000
    )


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
