"""Fixtures: an emulator on a free port with an injected clock, an aiogram Bot and raw HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot

from emulator import Emulator, RunningEmulator, start_emulator
from tests.support.emulator import WALL_START, FakeClock, QuickCloseSession, RawApi


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emulator(clock: FakeClock) -> Emulator:
    return Emulator(clock=clock, wall_clock=lambda: WALL_START)


@pytest.fixture
async def running(emulator: Emulator) -> AsyncIterator[RunningEmulator]:
    async with start_emulator(emulator=emulator) as server:
        yield server


@pytest.fixture
async def bot(running: RunningEmulator) -> AsyncIterator[Bot]:
    session = QuickCloseSession(api=running.api_server)
    tg_bot = Bot(running.emulator.token, session=session)
    yield tg_bot
    await session.close()


@pytest.fixture
async def raw(running: RunningEmulator) -> AsyncIterator[RawApi]:
    async with aiohttp.ClientSession() as http:
        yield RawApi(http, running)
