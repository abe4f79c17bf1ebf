"""The bot as operators start it, `python -m bot run` in a process of its own, on a free port."""

from __future__ import annotations

import asyncio
import os
import random
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from benchmarks.cluster import stop
from emulator import RunningEmulator
from tests.support.live import OWNER_ID

ROOT = Path(__file__).resolve().parents[2]
SECRET = "hook-Secret_42"
STARTUP = 60.0
SHUTDOWN = 15.0


# Below Linux's ephemeral range (32768-60999): a port the system hands out to outgoing
# connections could be taken by one between a process stopping and starting again on it.
_PORTS = range(20000, 32000)


def free_port() -> int:
    """A port nothing listens on, outside the range outgoing connections are given."""
    while True:
        port = random.choice(_PORTS)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


class BotProcess:
    def __init__(self, process: asyncio.subprocess.Process, port: int) -> None:
        self.process = process
        self.local_url = f"http://127.0.0.1:{port}"

    async def stop(self) -> int:
        return await stop(self.process, SHUTDOWN)


@asynccontextmanager
async def bot_process(
    running: RunningEmulator, database_url: str, log: Path, webhook_url: str = ""
) -> AsyncIterator[BotProcess]:
    """The bot started as operators start it, with its output in `log`."""
    port = free_port()
    env = {
        **os.environ,
        "BOT_TOKEN": running.emulator.token,
        "TELEGRAM_API_URL": running.base_url,
        "DATABASE_URL": database_url,
        "OWNER_IDS": str(OWNER_ID),
        # Customers write at any hour of the run: managers take requests round the clock.
        "WORKING_HOURS": "mon-sun 00:00-24:00",
        "HTTP_PORT": str(port),
        "WEBHOOK_URL": webhook_url,
        "WEBHOOK_SECRET": SECRET,
    }
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=ROOT, env=env, stdout=output, stderr=output
        )
        bot = BotProcess(process, port)
        try:
            yield bot
        finally:
            await bot.stop()
