"""Running the emulator on a real TCP port for a bot to reach over HTTP."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web

from .core import Emulator
from .server import create_app


@dataclass(frozen=True, slots=True)
class RunningEmulator:
    emulator: Emulator
    base_url: str
    runner: web.AppRunner

    @property
    def api_server(self) -> TelegramAPIServer:
        return TelegramAPIServer.from_base(self.base_url)

    def create_bot(self, **kwargs: Any) -> Bot:
        """An aiogram Bot wired to this emulator; the caller closes its session."""
        session = AiohttpSession(api=self.api_server)
        return Bot(self.emulator.token, session=session, **kwargs)


@asynccontextmanager
async def start_emulator(
    host: str = "127.0.0.1",
    port: int = 0,
    emulator: Emulator | None = None,
    **emulator_options: Any,
) -> AsyncIterator[RunningEmulator]:
    """Serve an emulator (a new one built from emulator_options unless given); port 0 = free."""
    emu = emulator or Emulator(**emulator_options)
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    # Long polls and event streams are released on shutdown, so a short grace period suffices.
    runner = web.AppRunner(create_app(emu), shutdown_timeout=1.0, access_log=None)
    await runner.setup()
    try:
        await web.SockSite(runner, sock).start()
        url_host = f"[{host}]" if ":" in host else host
        yield RunningEmulator(emu, f"http://{url_host}:{bound_port}", runner)
    finally:
        await runner.cleanup()
        sock.close()
