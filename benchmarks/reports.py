"""How the owner's report scales: the full report (every figure of the digest) over 10,000 and
100,000 deals with their events, all inside the reported period, on SQLite. Data generation is
not timed; the report is built once to warm up, then timed as the best of five. Prints one JSON
line with both times and their ratio (goal: 100k under 1 s, ratio at most 10).

    python benchmarks/reports.py [--small 10000] [--large 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, insert
from sqlalchemy.ext.asyncio import AsyncEngine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import migrate  # noqa: E402
from services.db.customers import Customer  # noqa: E402
from services.db.deals import Deal, Event  # noqa: E402
from services.db.engine import create_engine, session_factory  # noqa: E402
from services.db.users import User  # noqa: E402
from services.reports.periods import Choice, choose  # noqa: E402
from services.reports.report import build  # noqa: E402
from services.reports.settings import Sla  # noqa: E402
from services.reports.worktime import parse_schedule  # noqa: E402

ZONE = ZoneInfo("Asia/Baku")
NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
MANAGERS = 10
SOURCES = ("telegram", "web", "phone", "manual")
REASONS = ("price", "no_answer", "competitor", "not_needed", "other:far away")
CHUNK = 10_000


def _deals(count: int, rng: random.Random) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Deals spread over the 30 days before NOW, each with its events: created, answered
    (nine in ten), stage moves, and for some a win or a loss."""
    deals, events = [], []
    # Ids grow with time, as they do when deals come in one after another.
    moments = sorted(NOW - timedelta(seconds=rng.uniform(60, 29 * 86400)) for _ in range(count))
    for deal_id, created in enumerate(moments, start=1):
        manager = rng.randint(2, MANAGERS + 1)
        stage, closed, reason, amount = 1, None, None, None
        moments = [("created", None, None, None, created)]
        answered = None
        if rng.random() < 0.9:
            answered = created + timedelta(minutes=rng.expovariate(1 / 30))
            kind = "taken" if rng.random() < 0.7 else "first_response"
            moments.append((kind, manager, None, None, answered))
            at = answered
            for target in (2, 3, 4):
                if rng.random() < 0.5:
                    break
                at += timedelta(hours=rng.uniform(1, 48))
                moments.append(("stage", manager, str(stage), str(target), at))
                stage = target
            ending = rng.random()
            if ending < 0.25:
                at += timedelta(hours=rng.uniform(1, 48))
                moments.append(("stage", manager, str(stage), "5", at))
                stage, closed, amount = 5, at, round(rng.uniform(50, 5000), 2)
            elif ending < 0.45:
                at += timedelta(hours=rng.uniform(1, 48))
                moments.append(("stage", manager, str(stage), "6", at))
                stage, closed, reason = 6, at, rng.choice(REASONS)
        deals.append(
            {
                "id": deal_id,
                "customer_id": deal_id,
                "source": rng.choice(SOURCES),
                "stage_id": stage,
                "manager_id": manager,
                "amount": amount,
                "title": "",
                "created_at": created,
                "taken_at": answered,
                "closed_at": closed,
                "last_activity_at": max(m[4] for m in moments),
                "lost_reason": reason,
                "version": 1,
            }
        )
        events += [
            {
                "deal_id": deal_id,
                "actor_id": actor,
                "kind": kind,
                "from_value": old,
                "to_value": new,
                "created_at": at,
            }
            for kind, actor, old, new, at in moments
        ]
    return deals, events


async def _fill(engine: AsyncEngine, count: int) -> None:
    await migrate.upgrade(engine)
    rng = random.Random(count)
    deals, events = _deals(count, rng)
    customers = [
        {"id": d["id"], "name": f"C{d['id']}", "source": d["source"], "created_at": NOW}
        for d in deals
    ]
    users = [
        {"id": i, "tg_id": i, "role": "owner" if i == 1 else "manager", "first_name": f"M{i}"}
        for i in range(1, MANAGERS + 2)
    ]
    accounts = [
        u | {"is_active": True, "on_duty": True, "blocked": False, "created_at": NOW}
        for u in users
    ]

    def write(conn: Connection) -> None:
        conn.execute(insert(User), accounts)
        for table, rows in ((Customer, customers), (Deal, deals), (Event, events)):
            for start in range(0, len(rows), CHUNK):
                conn.execute(insert(table), rows[start : start + CHUNK])

    async with engine.begin() as conn:
        await conn.run_sync(write)


async def _time_report(engine: AsyncEngine) -> float:
    sessions = session_factory(engine)
    sla = Sla(15, parse_schedule("mon-fri 09:00-18:00"))
    period = choose(Choice.LAST_30, ZONE, NOW)
    best = float("inf")
    for attempt in range(6):
        async with sessions() as session:
            started = time.perf_counter()
            report = await build(session, period, sla, NOW)
            elapsed = time.perf_counter() - started
        if attempt:
            best = min(best, elapsed)
    assert report.new > 0
    return best


async def _measure(count: int, folder: Path) -> float:
    engine = create_engine(f"sqlite+aiosqlite:///{folder / f'reports-{count}.db'}")
    try:
        await _fill(engine, count)
        return await _time_report(engine)
    finally:
        await engine.dispose()


async def main(small: int, large: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        small_s = await _measure(small, Path(folder))
        large_s = await _measure(large, Path(folder))
    return {
        "deals_small": small,
        "deals_large": large,
        "small_s": round(small_s, 4),
        "large_s": round(large_s, 4),
        "ratio": round(large_s / small_s, 2),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.small, args.large))))
