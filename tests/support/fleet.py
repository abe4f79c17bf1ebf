"""Axın run as the README's "Running several workers" runs it, on a migrated database: web
processes and a worker, each its own `python -m bot run --role …` process, in webhook mode on
PostgreSQL and Redis; and customers writing to it all along."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emulator import EmulatedUser, RunningEmulator
from services.db.inbox import InboxUpdate
from services.db.outbox import Outbox
from tests.support.live import OWNER_ID
from tests.support.processes import ROOT, SECRET, BotProcess

# Long enough for a process to start on a busy machine (importing alone may take seconds).
PATIENCE = 120.0
# Customers who wrote and were not answered yet, at most.
UNANSWERED = 4
# The owner, who takes requests while no manager is on duty, never wrote: no name to give.
CONFIRMATION = re.compile(r"Request #(\d+) received — we will contact you soon\.")


@dataclass
class Fleet:
    running: RunningEmulator
    database_url: str
    redis_url: str
    webhook_url: str
    logs: Path
    started: int = 0
    processes: list[BotProcess] = field(default_factory=list)

    def environment(self, port: int) -> dict[str, str]:
        return {
            **os.environ,
            "BOT_TOKEN": self.running.emulator.token,
            "TELEGRAM_API_URL": self.running.base_url,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "OWNER_IDS": str(OWNER_ID),
            # Customers write at any hour of the run: managers take requests round the clock.
            "WORKING_HOURS": "mon-sun 00:00-24:00",
            "HTTP_PORT": str(port),
            "WEBHOOK_URL": self.webhook_url,
            "WEBHOOK_SECRET": SECRET,
            # Telegram's limits are off in the emulator, and the bot's budget with them.
            "SEND_RATE_GLOBAL": "1000",
            "SEND_RATE_PER_CHAT": "1000",
        }

    async def start(self, role: str, port: int) -> BotProcess:
        """`python -m bot run --role <role>`, once it answers /healthz."""
        self.started += 1
        log = self.logs / f"{self.started}-{role}-{port}.log"
        with log.open("wb") as output:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                "--role",
                role,
                cwd=ROOT,
                env=self.environment(port),
                stdout=output,
                stderr=output,
            )
        bot = BotProcess(process, port)
        self.processes.append(bot)
        await until(lambda: _healthy(bot), f"{role} on {port} answering /healthz ({log})")
        return bot

    def kill_all(self) -> None:
        """Whatever a failed test left running is killed, so it cannot act in the next tests."""
        for bot in self.processes:
            if bot.process.returncode is None:
                bot.process.kill()


async def _healthy(bot: BotProcess) -> bool:
    if bot.process.returncode is not None:
        raise AssertionError(f"exited with {bot.process.returncode}")
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http,
            http.get(f"{bot.local_url}/healthz") as response,
        ):
            return response.status == 200
    except (aiohttp.ClientConnectionError, TimeoutError):
        return False


async def until(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    """Wait for `condition`, looking again every 0.1 s, for up to PATIENCE seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PATIENCE
    while not await condition():
        if loop.time() > deadline:
            raise AssertionError(f"still waiting for {what}")
        await asyncio.sleep(0.1)


async def stored_by(sessions: async_sessionmaker[AsyncSession]) -> Counter[int]:
    """How many updates each process (by its pid) stored and has kept since."""
    async with sessions() as session:
        rows = await session.execute(
            select(InboxUpdate.holder, func.count()).group_by(InboxUpdate.holder)
        )
        counts: Counter[int] = Counter()
        for holder, number in rows.all():
            if holder is not None:
                counts[int(holder.split(":")[1])] += number
        return counts


async def storing(sessions: async_sessionmaker[AsyncSession], web: BotProcess, more: int) -> None:
    """Until `web` stored `more` updates than it has now."""
    pid = web.process.pid
    goal = (await stored_by(sessions))[pid] + more

    async def reached() -> bool:
        return (await stored_by(sessions))[pid] >= goal

    await until(reached, f"process {pid} storing {more} more updates")


async def unsent(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        waiting = select(func.count()).where(Outbox.sent_at.is_(None), Outbox.failed_at.is_(None))
        return int(await session.scalar(waiting) or 0)


@dataclass
class Customers:
    """New customers writing to the bot one after another, a few at a time waiting for their
    answer."""

    running: RunningEmulator
    written: list[EmulatedUser] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def write(self) -> None:
        emu = self.running.emulator
        while not self.stop.is_set():
            number = len(self.written) + 1
            customer = emu.user(1000 + number, f"Customer {number}", language_code="en")
            customer.user.started = True
            customer.send_text(f"{number} chairs, please")
            self.written.append(customer)
            await emu.wait_for(lambda: self.unanswered() < UNANSWERED, timeout=PATIENCE)

    def unanswered(self) -> int:
        return sum(1 for customer in self.written if not customer.bot_messages())

    def confirmations(self) -> list[list[str]]:
        """What each customer was told, in the order they wrote."""
        return [[m.text or "" for m in c.bot_messages()] for c in self.written]
