"""One, two and three workers on the same load: `python -m bot run --role all` processes in
webhook mode on PostgreSQL and Redis behind a round-robin proxy, the emulator applying
Telegram's limits (30 messages a second overall, 1 a second per chat) with a network delay on
every Bot API call. 500 customers write within 3 seconds (each request: a deal, a confirmation
to the customer, a card to one of 50 managers) while 1,500 queued notifications for 500 chats
go out.

Prints one JSON line per number of workers: requests handled per second (customers' updates,
from the first received to the last handled), worker CPU-seconds and database transactions
per request (the whole load, notifications included, over the 500 requests), messages per
second against the 30/s budget over the send period (first to last accepted send) and over its
part while at least 30 chats still had messages to come (`_full`: past it, each chat's 1/s
bounds the rate, not the budget), the longest stretch with no send, the 429s the emulator
answered (overall and per chat), what was lost, came twice or came out of order, how often
the webhook and the command menus were set, and the workers' exit codes after SIGTERM. The
goal: at any number of workers, a send rate of at least 95% of 30/s with no 429, and CPU per
request with three workers at most 1.3 times that of one.

    python -m benchmarks.workers --database-url postgresql+asyncpg://… --redis-url redis://…
                                 [--workers 1 2 3] [--latency 0.05]

The database and the Redis database given are emptied before each run.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from benchmarks.cluster import Cluster, cluster, reset, transactions
from benchmarks.cluster_load import FIRST_CUSTOMER, Customers, Load, Seen, outcome, seed
from emulator import RequestRecord
from emulator.ratelimit import counts_towards_limits
from services.db.engine import create_engine, session_factory
from services.db.inbox import InboxUpdate

BUDGET = 30


async def run(
    size: int,
    load: Load,
    database_url: str,
    redis_url: str,
    workdir: Path,
    *,
    latency: float = 0.05,
    kill_at: float | None = None,
    migrated: bool = True,
    quiet: float = 30.0,
    **env: str,
) -> dict[str, Any]:
    """One run on an emptied database (not even migrated, unless `migrated`: the workers
    migrate it as they start); with `kill_at`, the first worker is killed (SIGKILL) once that
    share of the customers has written all they meant to."""
    await reset(database_url, redis_url, migrated=migrated)
    async with cluster(
        size, database_url, redis_url, workdir, latency=latency, env=env
    ) as running:
        emulator = running.emulator
        await running.until_ready()
        seen = Seen()
        emulator.bus.add_listener(seen.listen)
        cpu, xacts = running.cpu_seconds(), await transactions(database_url)
        await seed(database_url, emulator, load)
        customers = Customers(emulator, load)
        start = time.monotonic()
        killing = None
        if kill_at is not None:
            killing = asyncio.create_task(_kill(running, customers, kill_at))
        await customers.write(start)
        if killing is not None:
            await killing
        await seen.until_done(emulator, load, quiet)
        seconds = time.monotonic() - start
        cpu = running.cpu_seconds() - cpu
        requests = list(emulator.requests)
        refused = Counter(record.scope for record in emulator.rate_limited)
    # Stopped workers have reported every transaction.
    xacts = await transactions(database_url) - xacts
    handled = await handled_per_second(database_url, load)
    return {
        "benchmark": "workers",
        "workers": size,
        "requests": load.customers,
        "notifications": load.notifications,
        "latency": latency,
        "seconds": round(seconds, 2),
        "handled_per_second": handled,
        "cpu_seconds": round(cpu, 2),
        "cpu_per_request": round(cpu / load.customers, 4),
        "transactions": xacts,
        "transactions_per_request": round(xacts / load.customers, 2),
        **sending(requests),
        "http_429": sum(refused.values()),
        "http_429_by_scope": dict(refused),
        **await outcome(database_url, customers, seen),
        **setup(requests),
        "exit_codes": [worker.exited for worker in running.workers],
    }


def sending(requests: list[RequestRecord]) -> dict[str, Any]:
    """Messages per second over the send period (first to last accepted send), and over its
    part while at least `BUDGET` chats still had messages to come (after that, each chat's
    1/s bounds the rate, not the overall budget); the longest stretch with no send."""
    sends = [
        (r.time, r.chat_id)
        for r in requests
        if r.status == 200 and counts_towards_limits(r.method)
    ]
    if len(sends) < 2:
        return {"messages": len(sends)}
    times = [t for t, _ in sends]
    last_of = {chat: t for t, chat in sends}
    full_until = sorted(last_of.values())[-BUDGET] if len(last_of) >= BUDGET else times[0]
    full = [t for t in times if t <= full_until]
    rate = (len(times) - 1) / (times[-1] - times[0])
    rate_full = (len(full) - 1) / (full[-1] - full[0]) if len(full) > 1 else 0.0
    return {
        "messages": len(sends),
        "messages_per_second": round(rate, 2),
        "budget_used": round(rate / BUDGET, 3),
        "messages_per_second_full": round(rate_full, 2),
        "budget_used_full": round(rate_full / BUDGET, 3),
        "longest_silence": round(max(b - a for a, b in itertools.pairwise(times)), 2),
    }


def setup(requests: list[RequestRecord]) -> dict[str, int]:
    """How often the webhook was set, and how many command menus were set more than once."""
    menus = Counter(
        (json.dumps(r.params.get("scope"), sort_keys=True), r.params.get("language_code"))
        for r in requests
        if r.method == "setMyCommands"
    )
    return {
        "set_webhook": sum(1 for r in requests if r.method == "setWebhook"),
        "menus_set": len(menus),
        "menus_set_again": sum(1 for count in menus.values() if count > 1),
    }


async def _kill(running: Cluster, customers: Customers, share: float) -> None:
    await customers.until_written(int(customers.load.customers * share))
    await running.workers[0].kill()


async def handled_per_second(database_url: str, load: Load) -> float:
    """The customers' updates handled per second, from the first received to the last
    handled."""
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            row = (
                await session.execute(
                    select(
                        func.count(InboxUpdate.handled_at),
                        func.min(InboxUpdate.received_at),
                        func.max(InboxUpdate.handled_at),
                    ).where(
                        InboxUpdate.chat_id.between(
                            FIRST_CUSTOMER, FIRST_CUSTOMER + load.customers - 1
                        )
                    )
                )
            ).one()
    finally:
        await engine.dispose()
    count, first, last = row
    span = (last - first).total_seconds() if first and last else 0.0
    return round(count / span, 1) if span > 0 else 0.0


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="PostgreSQL; emptied first")
    parser.add_argument("--redis-url", required=True, help="a Redis database; emptied first")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--latency", type=float, default=0.05, help="round trip, seconds")
    args = parser.parse_args()
    for size in args.workers:
        with tempfile.TemporaryDirectory() as workdir:
            result = await run(
                size,
                Load(),
                args.database_url,
                args.redis_url,
                Path(workdir),
                latency=args.latency,
            )
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
