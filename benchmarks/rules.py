"""What the owners' rules cost: intake with none and with 100 switched on, in one run; one pass
of the time rules' sweep over 100,000 deals with 20 time rules, when a share of their timers is
due and when none is; and switching a time rule on (its timers set for every deal it applies to).

Intake goes the way the bot's coalesced path does: customers' messages arriving together are
handed to `conversation.customers_write` (one unit of work per batch, committed), each opening
a request assigned to one of 10 managers on duty. The batches with rules and without take
turns, round after round, on the same database (the rules switched on and off between them),
so the machine's drift and the growing tables weigh on both alike; the rates are the medians
over the rounds. The 100 rules (benchmarks/rule_mix.py) are a mix: most listen to other
sources, stages, fields and messages; some look at each new request and find their conditions
do not hold; a few tag it and write to the customer; six time rules set a timer on each.
No Bot API calls are made: they are the same with rules or without (a rule's message is
queued in the outbox, as the confirmation is).

The sweep runs on 100,000 deals written straight to the database (a year of them, 40% open),
a date field filled on a third of them and open tasks on some; 20 time rules are switched on
one by one (each `manage.create` timed, the backfill included), then `rules.sweep.sweep` is
timed at a moment when 1.5% of the timers are due (`--due`) and at one when none is.

Prints one JSON line per measurement. Goals: rules cost at most 10% of intake throughput; one
sweep pass under 1 s.

    python benchmarks/rules.py [--database-url URL] [--customers 1000] [--batch 20]
                               [--rounds 3] [--deals 100000] [--due 0.015] [--only intake|sweep]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import rule_mix, rules_bot, rules_sweep  # noqa: E402
from services.access import actor_of  # noqa: E402
from services.company import session_info  # noqa: E402
from services.content import Content  # noqa: E402
from services.conversation import customers_write  # noqa: E402
from services.db.deals import Deal  # noqa: E402
from services.db.engine import session_factory  # noqa: E402
from services.db.rules import Rule, RuleRun, RuleTimer  # noqa: E402
from services.db.users import User  # noqa: E402
from services.intake import Request  # noqa: E402

# A Tuesday, 10:00 in Baku: inside working hours.
START = datetime(2026, 3, 31, 6, 0, tzinfo=UTC)
FIRST_CUSTOMER = 100_000


def _kind(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


async def _customers(engine: AsyncEngine, count: int) -> list[User]:
    """Accounts of customers who have not written yet, as the bot's sender lookup makes them."""
    rows = [
        {
            "tg_id": FIRST_CUSTOMER + index,
            "role": "customer",
            "first_name": f"Customer {index}",
            "tg_language": "en",
            "is_active": True,
            "on_duty": False,
            "blocked": False,
            "created_at": START,
        }
        for index in range(count)
    ]
    async with session_factory(engine)() as session:
        await session.execute(insert(User), rows)
        await session.commit()
        users = await session.scalars(select(User).where(User.role == "customer"))
        return sorted(users, key=lambda user: user.id)


async def _intake(engine: AsyncEngine, customers: list[User], batch: int, at: datetime) -> float:
    """Seconds for these customers' first messages, `batch` at a time."""
    sessions = session_factory(engine, session_info(rule_mix.HOURS))
    writes = [
        Request(actor_of(user, "en"), Content(f"Need {user.id % 97} chairs, please call me"))
        for user in customers
    ]
    gc.collect()
    started = time.perf_counter()
    for index in range(0, len(writes), batch):
        async with sessions() as session:
            now = at + timedelta(milliseconds=index)
            outcomes = await customers_write(session, writes[index : index + batch], now)
        assert all(not isinstance(outcome, Exception) for outcome in outcomes), outcomes
    return time.perf_counter() - started


async def _switch_all(engine: AsyncEngine, on: bool) -> None:
    async with session_factory(engine)() as session:
        await session.execute(update(Rule).values(enabled=on))
        await session.commit()


async def intake(url: str, customers: int, batch: int, rounds: int) -> dict[str, Any]:
    engine = await rule_mix.fresh(url)
    try:
        async with session_factory(engine)() as session:
            owner = await rule_mix.staff(session, START)
            await rule_mix.make(session, owner, rule_mix.intake_rules(), START)
        people = await _customers(engine, customers * rounds * 2)
        # A warm-up with the rules, not counted: caches filled, the first deals in.
        await _intake(engine, people[:batch], batch, START)
        people = people[batch:]
        rates: dict[bool, list[float]] = {False: [], True: []}
        at = START
        for round_ in range(rounds):
            # Which goes first alternates, so neither always meets the larger tables.
            for on in (False, True) if round_ % 2 == 0 else (True, False):
                await _switch_all(engine, on)
                group, people = people[:customers], people[customers:]
                at += timedelta(minutes=1)
                rates[on].append(len(group) / await _intake(engine, group, batch, at))
        async with session_factory(engine)() as session:
            runs = await session.scalar(select(func.count()).select_from(RuleRun))
            timers = await session.scalar(select(func.count()).select_from(RuleTimer))
            deals = await session.scalar(select(func.count()).select_from(Deal))
    finally:
        await engine.dispose()
    return {
        "benchmark": "rules",
        "measure": "intake",
        "database": _kind(url),
        "customers_per_round": customers,
        "batch": batch,
        "rounds": rounds,
        **rule_mix.compared(rates),
        "deals": deals,
        "rule_runs": runs,
        "timers": timers,
    }


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{folder}/rules.db"
        if args.only in (None, "intake"):
            figures = await intake(url, args.customers, args.batch, args.rounds)
            print(json.dumps(figures), flush=True)
        if args.only in (None, "bot"):
            for thanks in (True, False):
                figures = await rules_bot.measure(folder, args.bot_customers, args.rounds, thanks)
                print(json.dumps(figures), flush=True)
        if args.only in (None, "sweep"):
            url = args.database_url or f"sqlite+aiosqlite:///{folder}/sweep.db"
            async for figures in rules_sweep.measure(url, args.deals, args.due):
                print(
                    json.dumps({"benchmark": "rules", "database": _kind(url), **figures}),
                    flush=True,
                )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="postgresql+asyncpg://…; emptied first")
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--due", type=float, default=0.015)
    parser.add_argument("--bot-customers", type=int, default=500)
    parser.add_argument("--only", choices=("intake", "bot", "sweep"))
    asyncio.run(main(parser.parse_args()))
