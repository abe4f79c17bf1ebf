"""A burst of new customers, as after an advert, with Telegram's limits on (30 messages a second
overall, 1 a second per chat) and a network delay on every Bot API call. The bot runs as
operators run it (`python -m bot run`, its own process, polling the emulator served by this
one, on SQLite or PostgreSQL); its managers are on duty. Each customer writes one message; a
request is done when the customer has the confirmation and the manager the card.

Prints one JSON line per run: p50, p95 and p99 from a customer's message to their
confirmation and to their manager's card, messages per second against the overall budget
while confirmations were waiting, the 429s the emulator answered, and what was lost or came
twice. Two loads: `steady` (3 new customers a second for 60 s) and `overload` (1,000 within
10 s); `--kill` kills the bot with SIGKILL mid-burst and starts it again.

    python benchmarks/burst.py [--load steady|overload] [--kill] [--latency 0.05]
                               [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot import migrate
from emulator import Emulator, Limits, start_emulator
from emulator.models import Event
from services.db.customers import Customer
from services.db.deals import Deal
from services.db.engine import create_engine, session_factory
from services.db.users import User

ROOT = Path(__file__).resolve().parent.parent
OWNER, FIRST_MANAGER, FIRST_CUSTOMER = 1, 1_000, 100_000
BUDGET = 30
CONFIRMED = re.compile(r"^Request #(\d+) received")
# The emulator shows what a person reads: the card's bold heading is plain text there.
CARD = re.compile(r"^Request #(\d+)\n")


@dataclass(frozen=True)
class Load:
    name: str
    customers: int
    seconds: float  # the customers' first messages, spread evenly over this
    managers: int


LOADS = {
    "steady": Load("steady", 180, 60.0, 5),
    "overload": Load("overload", 1000, 10.0, 5),
}


@dataclass
class Seen:
    """What the emulator showed each chat, timed on this process's clock."""

    written: dict[int, float] = field(default_factory=dict)
    confirmed: dict[int, list[tuple[float, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    cards: dict[int, list[tuple[float, int]]] = field(default_factory=lambda: defaultdict(list))
    sent: list[float] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def listen(self, event: Event) -> None:
        if event.kind not in ("message", "edit") or not event.data.get("outgoing"):
            return
        now = time.monotonic()
        self.sent.append(now)
        if event.kind != "message" or event.chat_id is None:
            return
        text = event.data["message"].get("text") or ""
        if confirmed := CONFIRMED.match(text):
            self.confirmed[event.chat_id].append((now, int(confirmed.group(1))))
        elif card := CARD.match(text):
            self.cards[int(card.group(1))].append((now, event.chat_id))
        self.changed.set()

    def done(self, customers: int) -> bool:
        if len(self.confirmed) < customers:
            return False
        deals = {deal for times in self.confirmed.values() for _, deal in times}
        return deals <= self.cards.keys()

    async def until_done(self, customers: int, quiet: float) -> None:
        """Until every customer is confirmed and every card is in, or nothing has arrived for
        `quiet` seconds (what is missing then is lost)."""
        while not self.done(customers):
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), quiet)
            except TimeoutError:
                return


async def seed(database_url: str, emulator: Emulator, managers: int) -> None:
    """The schema, the owner and managers on duty, known to the bot and to Telegram."""
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    now = datetime.now(UTC)
    async with session_factory(engine)() as session:
        for index in range(managers):
            tg_id = FIRST_MANAGER + index
            session.add(User(tg_id=tg_id, role="manager", first_name=f"M{index}", created_at=now))
        await session.commit()
    await engine.dispose()
    for tg_id in (OWNER, *range(FIRST_MANAGER, FIRST_MANAGER + managers)):
        emulator.user(tg_id, f"Staff {tg_id}", language_code="en").user.started = True


class Bot:
    """`python -m bot run`, started again after it is killed."""

    def __init__(self, env: Mapping[str, str], log: Path) -> None:
        self.env = {**os.environ, **env}
        self.log = log
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("ab") as output:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=output,
            )

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


@asynccontextmanager
async def running_bot(
    emulator_url: str, token: str, database_url: str, workdir: Path, **env: str
) -> AsyncIterator[Bot]:
    bot = Bot(
        {
            "BOT_TOKEN": token,
            "TELEGRAM_API_URL": emulator_url,
            "DATABASE_URL": database_url,
            "OWNER_IDS": str(OWNER),
            # Customers write at any hour of the run: managers take requests round the clock.
            "WORKING_HOURS": "mon-sun 00:00-24:00",
            "HTTP_PORT": "0",
            "SEND_RATE_GLOBAL": str(BUDGET),
            "SEND_RATE_PER_CHAT": "1",
            **env,
        },
        workdir / "bot.log",
    )
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


def percentiles(waits: list[float]) -> dict[str, float | None]:
    if not waits:
        return {"p50": None, "p95": None, "p99": None}
    cuts = statistics.quantiles(waits, n=100, method="inclusive") if len(waits) > 1 else waits * 99
    return {"p50": round(cuts[49], 3), "p95": round(cuts[94], 3), "p99": round(cuts[98], 3)}


async def deals_per_customer(database_url: str) -> dict[int, int]:
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            rows = await session.execute(
                select(User.tg_id, func.count(Deal.id))
                .join(Customer, Customer.user_id == User.id)
                .join(Deal, Deal.customer_id == Customer.id)
                .group_by(User.tg_id)
            )
            return {tg_id: count for tg_id, count in rows.all()}
    finally:
        await engine.dispose()


def figures(load: Load, seen: Seen, start: float, rate_limited: int) -> dict[str, Any]:
    customers = range(FIRST_CUSTOMER, FIRST_CUSTOMER + load.customers)
    confirmations = [
        seen.confirmed[c][0][0] - seen.written[c] for c in customers if seen.confirmed[c]
    ]
    deal_of = {c: seen.confirmed[c][0][1] for c in customers if seen.confirmed[c]}
    cards = [
        seen.cards[deal][0][0] - seen.written[c]
        for c, deal in deal_of.items()
        if seen.cards.get(deal)
    ]
    lost = sum(1 for c in customers if not seen.confirmed[c])
    lost += sum(1 for deal in deal_of.values() if not seen.cards.get(deal))
    repeated = sum(len(seen.confirmed[c]) - 1 for c in customers if seen.confirmed[c])
    repeated += sum(len(times) - 1 for times in seen.cards.values())
    first = min(t for times in seen.confirmed.values() for t, _ in times)
    last = max(times[0][0] for times in seen.confirmed.values())
    while_waiting = [t for t in seen.sent if first <= t <= last]
    rate = len(while_waiting) / (last - first) if last > first else 0.0
    last_card = max((times[0][0] for times in seen.cards.values()), default=start)
    return {
        "confirmation": percentiles(confirmations),
        "card": percentiles(cards),
        "messages_per_second": round(rate, 2),
        "budget_used": round(rate / BUDGET, 3),
        "rate_limited": rate_limited,
        "lost": lost,
        "repeated": repeated,
        "last_confirmation_after": round(last - start, 2),
        "last_card_after": round(last_card - start, 2),
    }


async def burst(
    load: Load,
    database_url: str,
    workdir: Path,
    *,
    latency: float = 0.05,
    kill_after: float | None = None,
    quiet: float = 90.0,
    **env: str,
) -> dict[str, Any]:
    """Run one load; the figures, with the repeated requests found in the database."""
    limits = Limits(enabled=True, per_chat_per_second=1, global_per_second=BUDGET)
    async with start_emulator(limits=limits) as running:
        emu = running.emulator
        emu.latency = latency
        await seed(database_url, emu, load.managers)
        seen = Seen()
        emu.bus.add_listener(seen.listen)
        async with running_bot(running.base_url, emu.token, database_url, workdir, **env) as bot:
            # Polling starts right after (a long poll is recorded only when it returns).
            await emu.wait_for_request("deleteWebhook", timeout=60)
            people = [
                emu.user(FIRST_CUSTOMER + i, f"Customer {i}", language_code="en")
                for i in range(load.customers)
            ]
            start = time.monotonic()
            killing = asyncio.create_task(_kill(bot, kill_after)) if kill_after else None
            for index, person in enumerate(people):
                await asyncio.sleep(
                    max(0.0, start + index * load.seconds / load.customers - time.monotonic())
                )
                seen.written[person.id] = time.monotonic()
                person.send_text(f"Need {index % 9 + 1} chairs, please call me back")
            if killing is not None:
                await killing
            await seen.until_done(load.customers, quiet)
        result = figures(load, seen, start, len(emu.rate_limited))
    counts = await deals_per_customer(database_url)
    result["duplicated"] = sum(count - 1 for count in counts.values())
    return {"benchmark": "burst", "load": load.name, "customers": load.customers, **result}


async def _kill(bot: Bot, after: float) -> None:
    await asyncio.sleep(after)
    await bot.kill()
    await bot.start()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--load", choices=sorted(LOADS), default="steady")
    parser.add_argument("--kill", action="store_true", help="SIGKILL the bot mid-burst")
    parser.add_argument("--latency", type=float, default=0.05, help="round trip, seconds")
    parser.add_argument("--database-url", help="default: a new SQLite file")
    args = parser.parse_args()
    load = LOADS[args.load]
    with tempfile.TemporaryDirectory() as workdir:
        url = args.database_url or f"sqlite+aiosqlite:///{workdir}/burst.db"
        kill_after = load.seconds / 2 if args.kill else None
        result = await burst(load, url, Path(workdir), latency=args.latency, kill_after=kill_after)
    result |= {"kill": args.kill, "latency": args.latency, "database": url.split(":", 1)[0]}
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
