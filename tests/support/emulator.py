"""The emulator as its tests drive it: an injected clock, a Bot API session that closes at once,
raw HTTP calls, and a valid PNG to upload."""

from __future__ import annotations

import struct
import zlib
from typing import Any

import aiohttp
from aiogram.client.session.aiohttp import AiohttpSession

from emulator import RunningEmulator

WALL_START = 1_767_225_600.0


class FakeClock:
    """Monotonic time that only moves when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class QuickCloseSession(AiohttpSession):
    # The base class waits 250 ms for TLS shutdown; the emulator speaks plain HTTP.
    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


def png(width: int, height: int) -> bytes:
    """A valid RGB PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + b"\x10\x20\x30" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


class RawApi:
    """Plain HTTP calls, to see status codes and bodies exactly as Telegram would send them."""

    def __init__(self, http: aiohttp.ClientSession, running: RunningEmulator) -> None:
        self.http = http
        self.base = running.base_url
        self.token = running.emulator.token

    async def call(
        self, method: str, *, token: str | None = None, **kwargs: Any
    ) -> tuple[int, dict[str, Any]]:
        url = f"{self.base}/bot{token or self.token}/{method}"
        async with self.http.post(url, **kwargs) as response:
            return response.status, await response.json()

    async def control(self, verb: str, path: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
        async with self.http.request(verb, f"{self.base}/_emulator/{path}", **kwargs) as response:
            return response.status, await response.json()
