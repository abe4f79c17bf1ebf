"""Customer search (/customer) over 100,000 customers: a part of a name in any case and
alphabet, three to seven digits of a phone, a request number, and searches that find nobody,
asked by the owner and by a manager (who sees the customers of their own requests), among
them 2% merged into another (kept for an undo, which no search may find). Data generation is
not timed; each search is timed once, after a warm-up, from a session holding
its connection (as a handler's does) to its rows with their phones, requests and activity.
Prints one JSON line with p50/p95/p99 in milliseconds (goal: p99 under 50 ms on SQLite and on
PostgreSQL).

    python benchmarks/customers.py [--customers 100000] [--searches 600] [--database-url URL]

A PostgreSQL database given by URL is emptied first.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.rule_mix import fresh  # noqa: E402
from services import customer_search  # noqa: E402
from services.access import Actor  # noqa: E402
from services.db.customers import Customer, CustomerPhone, fold  # noqa: E402
from services.db.deals import Deal  # noqa: E402
from services.db.engine import create_engine, session_factory  # noqa: E402
from services.db.users import User  # noqa: E402

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
MANAGERS = 10
CHUNK = 5_000
MERGED_AWAY = 0.02
FIRST = (
    "Leyla",
    "Rauf",
    "Nigar",
    "Orxan",
    "Aysel",
    "Kamran",
    "Lala",
    "Murad",
    "Sevda",
    "Tural",
    "İlkin",
    "Günel",
    "Şahin",
    "Çingiz",
    "Əli",
    "Анна",
    "Ольга",
    "Игорь",
    "Пётр",
    "Ирина",
    "John",
    "Mary",
    "Peter",
    "Olivia",
)
LAST = (
    "Məmmədova",
    "Əliyev",
    "Hüseynov",
    "Quliyeva",
    "Həsənov",
    "İsmayılov",
    "Иванова",
    "Петров",
    "Смирнов",
    "Smith",
    "Brown",
    "Taylor",
)
SYLLABLES = ("ka", "ra", "li", "no", "ve", "su", "ta", "mi", "zo", "be", "de", "xa")


def _name(rng: random.Random) -> str:
    tail = "".join(rng.choice(SYLLABLES) for _ in range(3))
    return f"{rng.choice(FIRST)} {rng.choice(LAST)} {tail.capitalize()}"


def _phones(rng: random.Random, count: int) -> list[str]:
    """Distinct numbers, as own numbers are."""
    return [f"+99450{n:07d}" for n in rng.sample(range(10**7), count)]


async def seed(url: str, count: int, rng: random.Random) -> tuple[list[str], set[int]]:
    """Customers with their requests (one or two each, a manager each), and some merged into
    the customer before them, as a merge leaves them: with no own number and no request, their
    name and typed number kept. Returns the phones and the merged customers."""
    engine = await fresh(url)
    phones: list[str] = []
    merged: set[int] = set()
    numbers = iter(_phones(rng, 2 * count))
    async with engine.begin() as conn:
        users = [
            {
                "id": i,
                "tg_id": 1000 + i,
                "role": "owner" if i == 1 else "manager",
                "first_name": f"User {i}",
                "created_at": NOW,
            }
            for i in range(1, MANAGERS + 2)
        ]
        await conn.execute(insert(User), users)
        stage = (await conn.execute(text("SELECT min(id) FROM stages"))).scalar_one()
        deal_id = 0
        for start in range(1, count + 1, CHUNK):
            customers, typed, deals = [], [], []
            for customer_id in range(start, min(start + CHUNK, count + 1)):
                name = _name(rng)
                into = customer_id - 1 if customer_id > 1 and rng.random() < MERGED_AWAY else None
                own = next(numbers) if rng.random() < 0.6 and into is None else None
                customers.append(
                    {
                        "id": customer_id,
                        "name": name,
                        "name_key": fold(name),
                        "phone": own,
                        "source": rng.choice(customer_search.SOURCES),
                        "created_at": NOW - timedelta(days=rng.uniform(1, 700)),
                        "merged_into_id": into,
                    }
                )
                phones += [own] if own else []
                if rng.random() < 0.3:
                    extra = next(numbers)
                    typed.append({"customer_id": customer_id, "phone": extra, "main": False})
                    phones.append(extra)
                if into is not None:
                    merged.add(customer_id)
                    continue
                for _ in range(rng.choice((1, 1, 2))):
                    deal_id += 1
                    active = NOW - timedelta(days=rng.uniform(0, 365))
                    deals.append(
                        {
                            "id": deal_id,
                            "customer_id": customer_id,
                            "source": "telegram",
                            "stage_id": stage,
                            "manager_id": rng.randint(2, MANAGERS + 1),
                            "title": "",
                            "created_at": active,
                            "last_activity_at": active,
                            "version": 1,
                        }
                    )
            await conn.execute(insert(Customer), customers)
            if typed:
                await conn.execute(insert(CustomerPhone), typed)
            await conn.execute(insert(Deal), deals)
    async with engine.begin() as conn:
        await conn.execute(text("ANALYZE"))
    await engine.dispose()
    return phones, merged


def searches(
    count: int, phones: list[str], customers: int, rng: random.Random
) -> list[tuple[str, str]]:
    """(kind, text) as staff type them: names (a part, any case), phone digits, request
    numbers, and searches that find nobody."""
    made = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.45:
            word = rng.choice(FIRST + LAST)
            start = rng.randrange(0, max(1, len(word) - 3))
            part = word[start : start + rng.randint(3, 6)]
            made.append(("name", rng.choice((part, part.lower(), part.upper()))))
        elif kind < 0.75:
            digits = rng.choice(phones)[1:]
            size = rng.randint(3, 7)
            start = rng.randrange(0, len(digits) - size + 1)
            made.append(("phone", digits[start : start + size]))
        elif kind < 0.9:
            made.append(("number", str(rng.randint(1, customers))))
        else:
            made.append(("nobody", rng.choice(("zqxj", "Вася Пупкин", "9999999", "Ölməz"))))
    return made


def percentiles(times: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return {
        "p50_ms": round(cuts[49], 2),
        "p95_ms": round(cuts[94], 2),
        "p99_ms": round(cuts[98], 2),
    }


async def measure(url: str, customers: int, count: int) -> dict[str, Any]:
    rng = random.Random(21)
    phones, merged = await seed(url, customers, rng)
    engine = create_engine(url)
    sessions = session_factory(engine)
    owner = Actor(user_id=1, tg_id=1001, role="owner", first_name="Olga", locale="en")
    manager = Actor(user_id=2, tg_id=1002, role="manager", first_name="Anna", locale="en")
    asked = searches(count, phones, customers, rng)
    times: dict[str, list[float]] = {}
    found = merged_found = 0
    for index, (kind, query) in enumerate(asked[:20] + asked):
        actor = owner if index % 2 else manager
        async with sessions() as session:
            await session.connection()
            started = time.perf_counter()
            result = await customer_search.find(session, actor, query)
            elapsed = (time.perf_counter() - started) * 1000
        if index >= 20:
            times.setdefault(kind, []).append(elapsed)
            found += bool(result.rows)
            merged_found += sum(row.customer_id in merged for row in result.rows)
    await engine.dispose()
    return {
        "benchmark": "customer_search",
        "backend": engine.dialect.name,
        "customers": customers,
        "searches": count,
        "found_something": found,
        "merged_found": merged_found,
        **percentiles([t for kind in times.values() for t in kind]),
        "p99_ms_by_kind": {kind: percentiles(kept)["p99_ms"] for kind, kept in times.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--searches", type=int, default=600)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        result = asyncio.run(measure(url, args.customers, args.searches))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
