"""Outbox delivery against the Bot API emulator with Telegram's limits on (30 messages a
second overall, 1 per chat): 5,000 notifications queued for 1,000 chats, sent by the bot
(`python -m bot run`, its own process, at the default budget) to the emulator served by this
one. Notifications waiting for one chat are combined, so the measure of the budget is Bot API
messages per second. Prints one JSON line.

    python benchmarks/delivery.py [--chats 1000] [--per-chat 5] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bot import migrate
from emulator import Emulator, Limits, start_emulator
from services import outbox
from services.db.engine import create_engine, session_factory
from services.db.users import User

ROOT = Path(__file__).resolve().parent.parent
NUMBER = re.compile(r"(\d+) open requests? (?:was|were) handed over")
FIRST_CHAT = 10_000
GLOBAL, PER_CHAT = 30, 1


async def seed(database_url: str, emulator: Emulator, chats: int, per_chat: int) -> int:
    """Migrate, make the chats' people known to both sides, queue chats × per_chat rows
    (interleaved across chats, as real traffic is). Returns how many were queued."""
    now = datetime.now(UTC)
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    async with session_factory(engine)() as session:
        named = User(tg_id=9, role="manager", first_name="Anna", created_at=now)
        session.add(named)
        await session.flush()
        for n in range(chats * per_chat):
            outbox.enqueue(
                session,
                chat_id=FIRST_CHAT + n % chats,
                kind="manager_unreachable",
                payload={"user_id": named.id, "moved": n},
                dedupe_key=f"bench:{n}",
                now=now,
            )
        await session.commit()
    await engine.dispose()
    for chat in range(FIRST_CHAT, FIRST_CHAT + chats):
        emulator.user(chat, f"P{chat}").user.started = True
    return chats * per_chat


class Arrivals:
    """Which queued numbers reached their chats, read from the emulator's record of calls as
    it grows: cheap enough to ask after every call."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.seen: Counter[int] = Counter()
        self._read = 0

    def count(self) -> int:
        requests = self.emulator.requests
        for record in requests[self._read :]:
            if record.method == "sendMessage" and record.status == 200:
                self.seen.update(int(n) for n in NUMBER.findall(record.params.get("text", "")))
        self._read = len(requests)
        return len(self.seen)


async def run(chats: int, per_chat: int, database_url: str, timeout: float) -> dict[str, object]:
    limits = Limits(enabled=True, per_chat_per_second=PER_CHAT, global_per_second=GLOBAL)
    async with start_emulator(limits=limits) as running:
        emu = running.emulator
        total = await seed(database_url, emu, chats, per_chat)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            http_port = sock.getsockname()[1]
        env = {
            **os.environ,
            "BOT_TOKEN": emu.token,
            "TELEGRAM_API_URL": running.base_url,
            "DATABASE_URL": database_url,
            "OWNER_IDS": "1",
            "HTTP_PORT": str(http_port),
            "SEND_RATE_GLOBAL": str(GLOBAL),
            "SEND_RATE_PER_CHAT": str(PER_CHAT),
        }
        arrivals = Arrivals(emu)
        started = time.monotonic()
        bot = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            await emu.wait_for(lambda: arrivals.count() == total or None, timeout)
        except TimeoutError:
            pass
        finally:
            bot.terminate()
            await bot.wait()
        elapsed = time.monotonic() - started
        sends = [r for r in emu.requests if r.method == "sendMessage" and r.status == 200]
        span = sends[-1].time - sends[0].time if len(sends) > 1 else elapsed
        per_second = (len(sends) - 1) / span if span > 0 else 0.0
        arrivals.count()
        seen = arrivals.seen
        return {
            "notifications": total,
            "chats": chats,
            "messages": len(sends),
            "seconds": round(elapsed, 2),
            "messages_per_second": round(per_second, 2),
            "budget_fraction": round(per_second / GLOBAL, 3),
            "notifications_per_second": round(len(seen) / elapsed, 1),
            "http_429": len(emu.rate_limited),
            "lost": total - len(seen),
            "duplicated": sum(count - 1 for count in seen.values()),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--per-chat", type=int, default=5)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        result = asyncio.run(run(args.chats, args.per_chat, url, args.timeout))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
