"""A whole sandbox (emulator, bot, page API) on free ports, and a client for its HTTP API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

import aiohttp
import pytest

from bot.sweeps.scheduler import Sweep
from sandbox.sandbox import Sandbox
from sandbox.server import start_sandbox
from tests.support.sandbox import Client, StartSandbox, base_settings


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


@pytest.fixture
async def client() -> AsyncIterator[Callable[[Sandbox], Client]]:
    async with aiohttp.ClientSession() as session:
        yield lambda sandbox: Client(session, sandbox.url + "/")
