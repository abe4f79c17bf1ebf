"""Intake throughput against the Bot API emulator over HTTP, next to a bare echo bot.

N customers each write one request. For Axın a request is done when the deal is stored, its
card reached a manager and the customer got the confirmation; for the echo bot when the echo
arrived. A request needs two Bot API calls where an echo needs one, so the same bare bot is also
measured answering and passing each text on to a second chat ("relay"): the most a bot making
those two calls can reach, with no database at all. Both bots run as their own process, polling
the emulator served by this one. Telegram's rate limits are off here (they would measure
Telegram, not the bot), and so is the bot's own send budget.

A shared machine's speed drifts by a fifth from one minute to the next, so the three are
measured in turn for several rounds: each round's ratios compare runs made moments apart, and
the medians over the rounds are printed, with every round's ratio, as one JSON line.

    python benchmarks/intake.py [--customers 1000] [--managers 5] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from emulator import Emulator, start_emulator
from emulator.models import Event

ROOT = Path(__file__).resolve().parent.parent
OWNER = 1
FIRST_MANAGER = 1_000
FIRST_CUSTOMER = 100_000


class Arrivals:
    """Counts the bot's messages per chat as the emulator publishes them."""

    def __init__(self, emulator: Emulator) -> None:
        self.per_chat: Counter[int] = Counter()
        self.changed = asyncio.Event()
        # The chats still short of `wanted` messages, kept as they arrive: checking every
        # chat on every message would cost the harness time quadratic in the customers.
        self.waiting: set[int] = set()
        self.wanted = 0
        emulator.bus.add_listener(self._on_event)

    def expect(self, chats: range, wanted: int) -> None:
        self.wanted = wanted
        self.waiting = {chat for chat in chats if self.per_chat[chat] < wanted}

    def _on_event(self, event: Event) -> None:
        if event.kind == "message" and event.data["outgoing"] and event.chat_id is not None:
            chat = event.chat_id
            self.per_chat[chat] += 1
            if chat in self.waiting and self.per_chat[chat] >= self.wanted:
                self.waiting.discard(chat)
            self.changed.set()

    async def until(self, done: Any, timeout: float = 300.0) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            self.changed.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the bot did not finish in time")
            await asyncio.wait_for(self.changed.wait(), remaining)


async def _spawn(args: list[str], env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *args,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def _stop(process: asyncio.subprocess.Process) -> None:
    process.terminate()
    await process.wait()


async def _rate(
    emulator: Emulator,
    arrivals: Arrivals,
    customers: int,
    per_customer: int,
    extra: Any = lambda: True,
) -> float:
    ids = range(FIRST_CUSTOMER, FIRST_CUSTOMER + customers)
    users = [emulator.user(i, f"Customer {i}", language_code="en") for i in ids]
    arrivals.expect(ids, per_customer)
    # What the runs before left behind is collected now, not in the middle of this one: it
    # slowed the emulator, hence whichever bot was measured next, by up to a third.
    gc.collect()
    start = time.perf_counter()
    for user in users:
        user.send_text(f"Need {user.id % 97} chairs, please call me back")
    await arrivals.until(lambda: not arrivals.waiting and extra())
    return customers / (time.perf_counter() - start)


async def echo_rate(customers: int, relay_to: int | None = None) -> float:
    """The bare bot's rate; with `relay_to`, each text is also passed on to that chat."""
    async with start_emulator() as running:
        arrivals = Arrivals(running.emulator)
        env = {"BOT_TOKEN": running.emulator.token, "TELEGRAM_API_URL": running.base_url}
        if relay_to is not None:
            env["RELAY_TO"] = str(relay_to)
        # The warm-up opens the relay chat: its ping comes back to it twice, echoed and relayed.
        warm_id = relay_to or 2
        process = await _spawn(["benchmarks/echo_bot.py"], env)
        try:
            running.emulator.user(warm_id, "Warm-up").send_text("ping")
            warmed = 1 if relay_to is None else 2
            await arrivals.until(lambda: arrivals.per_chat[warm_id] >= warmed, timeout=60)

            def relayed() -> bool:
                return arrivals.per_chat[warm_id] >= warmed + (customers if relay_to else 0)

            return await _rate(running.emulator, arrivals, customers, 1, relayed)
        finally:
            await _stop(process)


def bot_env(emu: Emulator, base_url: str, database_url: str) -> dict[str, str]:
    """The bot's settings for a run against the emulator: Telegram's limits are the
    emulator's (off), so is the bot's own send budget."""
    return {
        "BOT_TOKEN": emu.token,
        "TELEGRAM_API_URL": base_url,
        "DATABASE_URL": database_url,
        "OWNER_IDS": str(OWNER),
        "SEND_RATE_GLOBAL": "1000000",
        "SEND_RATE_PER_CHAT": "1000000",
        "HTTP_PORT": "0",
        # Requests go to managers at whatever hour the benchmark runs.
        "WORKING_HOURS": "mon-sun 00:00-24:00",
    }


async def intake_rate(customers: int, managers: int, workdir: str) -> float:
    async with start_emulator() as running:
        emu = running.emulator
        arrivals = Arrivals(emu)
        env = bot_env(emu, running.base_url, f"sqlite+aiosqlite:///{workdir}/intake.db")
        owner = emu.user(OWNER, "Owner", language_code="en")
        process = await _spawn(os.environ.get("AXIN_BOT_CMD", "-m bot run").split(), env)
        try:
            for index in range(managers):
                owner.send_text("/invite")
                message = await owner.wait_for_bot_message(
                    predicate=lambda m: "start=" in (m.text or ""), timeout=60
                )
                token = (message.text or "").rsplit("start=", 1)[1]
                manager = emu.user(FIRST_MANAGER + index, f"Manager {index}", language_code="en")
                manager.start(token)
                await arrivals.until(lambda m=manager.id: arrivals.per_chat[m] >= 1, timeout=60)
            staff = range(FIRST_MANAGER, FIRST_MANAGER + managers)
            welcomed = sum(arrivals.per_chat[m] for m in staff)

            def cards_arrived() -> bool:
                return sum(arrivals.per_chat[m] for m in staff) - welcomed >= customers

            return await _rate(emu, arrivals, customers, 1, cards_arrived)
        finally:
            await _stop(process)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--managers", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    intakes, echoes, relays = [], [], []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as workdir:
            intakes.append(await intake_rate(args.customers, args.managers, workdir))
        echoes.append(await echo_rate(args.customers))
        relays.append(await echo_rate(args.customers, relay_to=FIRST_MANAGER))
    ratios = [intake / echo for intake, echo in zip(intakes, echoes, strict=True)]
    relay_ratios = [relay / echo for relay, echo in zip(relays, echoes, strict=True)]
    print(
        json.dumps(
            {
                "benchmark": "intake",
                "database": "sqlite",
                "customers": args.customers,
                "rounds": args.rounds,
                "intake_per_second": round(statistics.median(intakes), 1),
                "echo_per_second": round(statistics.median(echoes), 1),
                "ratio": round(statistics.median(ratios), 3),
                "relay_per_second": round(statistics.median(relays), 1),
                "relay_ratio": round(statistics.median(relay_ratios), 3),
                "ratios": [round(ratio, 3) for ratio in ratios],
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
