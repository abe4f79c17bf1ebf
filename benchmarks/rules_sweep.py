"""The time rules' part of benchmarks/rules.py: 100,000 deals, 20 time rules switched on one by
one, the sweep when a share of the timers is due and when none is."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks import rule_mix
from services.access import actor_of
from services.company import session_info
from services.db.customers import Customer
from services.db.deals import Deal
from services.db.engine import session_factory
from services.db.fields import FieldDef, FieldValue
from services.db.rules import RuleRun, RuleTimer
from services.db.tasks import Task
from services.db.users import User
from services.rules import manage
from services.rules.sweep import sweep

# A Tuesday, 10:00 in Baku.
NOW = datetime(2026, 3, 31, 6, 0, tzinfo=UTC)
CHUNK = 10_000
OPEN_SHARE, DATED_SHARE, TASK_SHARE, UNTAKEN_SHARE = 0.4, 1 / 3, 0.05, 0.005


def _deals(count: int, rng: random.Random) -> list[dict[str, Any]]:
    """A year of deals, 40% still open. The open ones were last active within the past day:
    older quiet ones would be found idle by every idle rule at the moment it is switched on
    (their timers all due at once), not at a moment the sweep meets in its steady running."""
    created = sorted(NOW - timedelta(seconds=rng.uniform(3600, 365 * 86400)) for _ in range(count))
    deals = []
    for deal_id, at in enumerate(created, start=1):
        row: dict[str, Any] = {
            "id": deal_id,
            "customer_id": deal_id,
            "source": rng.choice(("telegram", "web", "phone", "manual")),
            "manager_id": rng.randint(rule_mix.OWNER + 1, rule_mix.OWNER + rule_mix.MANAGERS),
            "amount": None,
            "title": "",
            "created_at": at,
            "taken_at": at + timedelta(minutes=10),
            "version": 1,
        }
        if rng.random() < OPEN_SHARE:
            active = NOW - timedelta(seconds=rng.uniform(0, 86400))
            row |= {
                "stage_id": rng.choice(rule_mix.OPEN_STAGES),
                "closed_at": None,
                "last_activity_at": active,
            }
            if rng.random() < UNTAKEN_SHARE:
                row |= {"created_at": active, "taken_at": None}
        else:
            closed = min(at + timedelta(days=rng.uniform(1, 30)), NOW - timedelta(minutes=1))
            row |= {
                "stage_id": rng.choice((rule_mix.WON, rule_mix.LOST)),
                "closed_at": closed,
                "last_activity_at": closed,
            }
        deals.append(row)
    return deals


async def fill(engine: AsyncEngine, count: int) -> int:
    """Writes the deals, their customers, the visit dates and open tasks; answers the owner's
    id after writing the staff and fields."""
    rng = random.Random(count)
    async with session_factory(engine)() as session:
        owner = await rule_mix.staff(session, NOW)
        visit = await session.scalar(select(FieldDef.id).where(FieldDef.key == "visit"))
    deals = _deals(count, rng)
    customers = [
        {"id": d["id"], "name": f"C{d['id']}", "source": d["source"], "created_at": NOW}
        for d in deals
    ]
    values = [
        {
            "entity": "deal",
            "object_id": d["id"],
            "field_id": visit,
            "value": (NOW.date() + timedelta(days=rng.randint(-180, 180))).isoformat(),
            "updated_at": NOW,
        }
        for d in deals
        if rng.random() < DATED_SHARE
    ]
    tasks = [
        {
            "kind": "reminder",
            "deal_id": d["id"],
            "assignee_id": d["manager_id"],
            "note": "Call back",
            "due_at": NOW + timedelta(seconds=rng.uniform(-2 * 86400, 5 * 86400)),
            "created_at": NOW - timedelta(days=2),
            "calls": 0,
            "version": 1,
        }
        for d in deals
        if d["closed_at"] is None and rng.random() < TASK_SHARE
    ]

    def write(conn: Connection) -> None:
        for table, rows in (
            (Customer, customers),
            (Deal, deals),
            (FieldValue, values),
            (Task, tasks),
        ):
            for start in range(0, len(rows), CHUNK):
                conn.execute(insert(table), rows[start : start + CHUNK])
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT setval('deals_id_seq', :n)"), {"n": len(deals)})
            conn.execute(text("SELECT setval('customers_id_seq', :n)"), {"n": len(deals)})

    async with engine.begin() as conn:
        await conn.run_sync(write)
    await _analyze(engine)
    return owner.user_id


async def _analyze(engine: AsyncEngine) -> None:
    """PostgreSQL's statistics as autovacuum would have them after a bulk load."""
    if engine.dialect.name == "postgresql":
        async with engine.connect() as conn:
            await conn.execute(text("ANALYZE"))
            await conn.commit()


async def _count(engine: AsyncEngine, table: Any) -> int:
    async with session_factory(engine)() as session:
        return await session.scalar(select(func.count()).select_from(table)) or 0


async def switch_on(engine: AsyncEngine, owner_id: int) -> AsyncIterator[dict[str, Any]]:
    """Each of the 20 time rules made, one by one: the seconds `manage.create` takes with the
    timers it sets, by kind of rule."""
    sessions = session_factory(engine, session_info(rule_mix.HOURS))
    by_kind: dict[str, list[tuple[float, int]]] = {}
    for rule in rule_mix.time_rules():
        before = await _count(engine, RuleTimer)
        async with sessions() as session:
            owner = await session.get_one(User, owner_id)
            started = time.perf_counter()
            await manage.create(session, actor_of(owner, "en"), rule, NOW)
            elapsed = time.perf_counter() - started
        made = await _count(engine, RuleTimer) - before
        by_kind.setdefault(rule["when"]["event"], []).append((elapsed, made))
    for kind, runs in by_kind.items():
        yield {
            "measure": "switch_on",
            "trigger": kind,
            "rules": len(runs),
            "seconds_each": [round(seconds, 3) for seconds, _ in runs],
            "timers_each": [made for _, made in runs],
            "max_s": round(max(seconds for seconds, _ in runs), 3),
        }


async def _moment(engine: AsyncEngine, share: float) -> tuple[datetime, int, int]:
    """The moment by which `share` of the timers are due; answers it, the due and all timers."""
    total = await _count(engine, RuleTimer)
    wanted = max(1, int(total * share))
    async with session_factory(engine)() as session:
        moment = await session.scalar(
            select(RuleTimer.due_at).order_by(RuleTimer.due_at).offset(wanted - 1).limit(1)
        )
        assert moment is not None
        due = await session.scalar(
            select(func.count()).select_from(RuleTimer).where(RuleTimer.due_at <= moment)
        )
    return moment, due or 0, total


async def _pass(engine: AsyncEngine, now: datetime) -> tuple[float, int]:
    async with session_factory(engine, session_info(rule_mix.HOURS))() as session:
        started = time.perf_counter()
        came = await sweep(session, now)
        return time.perf_counter() - started, came


async def sweeps(engine: AsyncEngine, share: float) -> AsyncIterator[dict[str, Any]]:
    moment, due, total = await _moment(engine, share)
    await _analyze(engine)
    runs_before = await _count(engine, RuleRun)
    passes: list[tuple[float, int]] = []
    while True:
        seconds, came = await _pass(engine, moment)
        if not came:
            break
        passes.append((seconds, came))
    times = [seconds for seconds, _ in passes]
    yield {
        "measure": "sweep_due",
        "timers": total,
        "due": due,
        "due_share": round(due / total, 4),
        "passes": len(passes),
        "first_pass_s": round(times[0], 3),
        "first_pass_timers": passes[0][1],
        "median_pass_s": round(statistics.median(times), 3),
        "max_pass_s": round(max(times), 3),
        "all_due_s": round(sum(times), 3),
        "rule_runs": await _count(engine, RuleRun) - runs_before,
        "goal_s": 1,
    }
    # Just after the due ones were handled, nothing is due until the next timer's moment.
    idle = [await _pass(engine, moment) for _ in range(7)]
    assert not any(came for _, came in idle)
    yield {
        "measure": "sweep_nothing_due",
        "timers": await _count(engine, RuleTimer),
        "best_s": round(min(seconds for seconds, _ in idle), 4),
        "median_s": round(statistics.median(seconds for seconds, _ in idle), 4),
        "goal_s": 1,
    }


async def measure(url: str, deals: int, share: float) -> AsyncIterator[dict[str, Any]]:
    engine = await rule_mix.fresh(url)
    try:
        started = time.perf_counter()
        owner_id = await fill(engine, deals)
        yield {
            "measure": "sweep_fill",
            "deals": deals,
            "seconds": round(time.perf_counter() - started, 1),
        }
        async for figures in switch_on(engine, owner_id):
            yield {"deals": deals, **figures}
        async for figures in sweeps(engine, share):
            yield {"deals": deals, **figures}
    finally:
        await engine.dispose()
