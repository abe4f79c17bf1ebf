"""Network latency: Bot API calls arrive half a round trip late and answer half a trip later."""

from __future__ import annotations

import time

import aiohttp

from emulator import Emulator, start_emulator
from tests.support.emulator import RawApi


async def test_latency_delays_bot_api_calls_and_not_the_control_api() -> None:
    # The emulator's own clock is real time here, to set arrivals against the wall.
    emulator = Emulator(latency=0.2)
    async with start_emulator(emulator=emulator) as running, aiohttp.ClientSession() as http:
        raw = RawApi(http, running)
        began = time.monotonic()
        status, _ = await raw.call("getMe")
        took = time.monotonic() - began
        assert status == 200 and 0.2 <= took < 0.5
        arrived = emulator.requests[-1].time - began
        assert 0.1 <= arrived < 0.2

        began = time.monotonic()
        status, body = await raw.control("POST", "latency", json={"latency": 0.05})
        assert (status, body["result"]) == (200, {"latency": 0.05})
        assert time.monotonic() - began < 0.1
        assert emulator.latency == 0.05
        began = time.monotonic()
        assert (await raw.call("getMe"))[0] == 200
        assert 0.05 <= time.monotonic() - began < 0.2

        status, body = await raw.control("POST", "latency", json={"latency": -1})
        assert (status, body["ok"]) == (400, False)
        assert (await raw.control("GET", "latency"))[1]["result"] == {"latency": 0.05}
