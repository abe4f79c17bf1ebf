"""Inline search over a catalog of 10,000 products, as managers meet it while they type.

The bot runs as its own process on SQLite, polling the Bot API emulator served by this one with
Telegram's limits on and inline mode switched on. The catalog (10,000 products named in English,
Azerbaijani and Russian, with codes, in 40 categories), the owner, the managers and a request
of each are in its database before it starts. Each manager types searches for their request's
items as its 🔎 Find button opens inline mode ("#3 " typed in), one letter at a time, as
Telegram sends them (a query for each prefix: "l", "la", "lam", …), in their own language, a
few letters a second, every manager at once; one search waits for its answer before the next
letter, as the app shows results only for the latest query. An answer's time runs from the
user's query to the bot's answerInlineQuery reaching the emulator: the long poll's delivery,
the bot's handling and its call, over local HTTP. Printed: the percentiles of that time, in
milliseconds. The bot's first answers after it started count too (the first search of each
shape, in each language).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import insert

from benchmarks import rule_mix
from benchmarks.intake import _spawn, _stop, bot_env
from emulator import EmulatedUser, Limits, start_emulator
from services.catalog import search_text
from services.db.catalog import Category, Product
from services.db.customers import Customer
from services.db.deals import Deal
from services.db.engine import session_factory

START = datetime(2026, 3, 31, 6, 0, tzinfo=UTC)
MANAGERS = rule_mix.MANAGERS
MATERIALS = [
    ("Laminate", "Laminat", "Ламинат"),
    ("Parquet", "Parket", "Паркет"),
    ("Tile", "Kafel", "Плитка"),
    ("Curtain", "Pərdə", "Штора"),
    ("Sofa", "Divan", "Диван"),
    ("Chair", "Stul", "Стул"),
    ("Wallpaper", "Divar kağızı", "Обои"),
    ("Paint", "Boya", "Краска"),
    ("Lamp", "Lampa", "Лампа"),
    ("Door", "Qapı", "Дверь"),
]
COLOURS = [
    ("oak", "palıd", "дуб"),
    ("white", "ağ", "белый"),
    ("grey", "boz", "серый"),
    ("walnut", "qoz", "орех"),
    ("black", "qara", "чёрный"),
    ("beige", "bej", "бежевый"),
    ("blue", "göy", "синий"),
    ("green", "yaşıl", "зелёный"),
    ("red", "qırmızı", "красный"),
    ("ivory", "fil sümüyü", "слоновая кость"),
]
SEARCHES = {
    "en": ["laminate oak", "tile grey", "sofa", "lam-0042", "curtain blue", "door walnut"],
    "az": ["laminat palıd", "kafel boz", "divan", "pərdə göy", "qapı qoz", "işıq"],
    "ru": ["ламинат дуб", "плитка серый", "диван", "штора синий", "дверь орех", "обои"],
}


def _products(count: int, categories: int) -> list[dict[str, object]]:
    rows = []
    for index in range(count):
        material = MATERIALS[index % len(MATERIALS)]
        colour = COLOURS[(index // len(MATERIALS)) % len(COLOURS)]
        size = index // (len(MATERIALS) * len(COLOURS)) + 1
        names = {
            lang: f"{material[i]} {colour[i]} {size}" for i, lang in enumerate(("en", "az", "ru"))
        }
        code = f"{material[0][:3].upper()}-{index:04}"
        rows.append(
            {
                "code": code,
                "names": names,
                "search": search_text(names, code),
                "category_id": index % categories + 1,
                "unit": "m2" if index % 3 else "piece",
                "price": Decimal(10 + index % 490),
                "vat_rate": Decimal(18),
                "active": True,
                "created_at": START,
                "updated_at": START,
                "version": 1,
            }
        )
    return rows


async def _prepared(url: str, products: int) -> None:
    engine = await rule_mix.fresh(url)
    try:
        async with session_factory(engine)() as session:
            await rule_mix.staff(session, START)
            await session.execute(
                insert(Category),
                [{"names": {"en": f"Category {n}"}, "position": n} for n in range(1, 41)],
            )
            await session.execute(insert(Product), _products(products, 40))
            # Each manager (users 2..11) works request #1..#10, which their searches are for.
            await session.execute(
                insert(Customer), [{"name": "Customer", "source": "web", "created_at": START}]
            )
            await session.execute(
                insert(Deal),
                [
                    {
                        "customer_id": 1,
                        "source": "web",
                        "stage_id": 1,
                        "manager_id": manager,
                        "created_at": START,
                        "taken_at": START,
                        "last_activity_at": START,
                    }
                    for manager in range(rule_mix.OWNER + 1, rule_mix.OWNER + 1 + MANAGERS)
                ],
            )
            await session.commit()
    finally:
        await engine.dispose()


async def _typing(
    user: EmulatedUser, lang: str, rounds: int, letters_per_second: float, seed: int
) -> list[float]:
    """One manager typing searches letter by letter after the number of their request, as its
    🔎 Find button opens inline mode; the time each answer took, in ms."""
    chooser = random.Random(seed)
    typed = f"#{user.id - rule_mix.OWNER} "
    times = []
    for _ in range(rounds):
        words = chooser.choice(SEARCHES[lang])
        for end in range(1, len(words) + 1):
            started = time.perf_counter()
            query = user.inline_query(typed + words[:end])
            answer = await user.wait_for_inline_answer(query, timeout=30)
            if answer is None:
                raise RuntimeError("an inline query was not answered")
            times.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(1 / letters_per_second)
    return times


async def measure(products: int, managers: int, rounds: int, workdir: str) -> dict[str, object]:
    url = f"sqlite+aiosqlite:///{workdir}/catalog.db"
    await _prepared(url, products)
    async with start_emulator(limits=Limits(enabled=True)) as running:
        emu = running.emulator
        emu.set_inline("Search products…")
        env = bot_env(emu, running.base_url, url)
        env.pop("SEND_RATE_GLOBAL")
        env.pop("SEND_RATE_PER_CHAT")
        process = await _spawn(["-m", "bot", "run"], env)
        try:
            langs = ("en", "az", "ru")
            users = [
                emu.user(tg_id, f"M{tg_id}", language_code=langs[tg_id % 3])
                for tg_id in range(rule_mix.OWNER + 1, rule_mix.OWNER + 1 + managers)
            ]
            # Warm-up: the bot is up and every manager is known to it.
            for user in users:
                user.start()
                await user.wait_for_bot_message(timeout=60)
            # This process stands in for Telegram: its own heap settled as the bot settles its
            # own, a full collection here (over 0.2 s) is not counted as the bot's delay.
            gc.collect()
            gc.freeze()
            per_manager = await asyncio.gather(
                *(_typing(user, langs[user.id % 3], rounds, 5.0, seed=user.id) for user in users)
            )
        finally:
            await _stop(process)
    times = sorted(t for manager in per_manager for t in manager)
    cuts = statistics.quantiles(times, n=100)
    return {
        "benchmark": "catalog",
        "database": "sqlite",
        "products": products,
        "managers": managers,
        "queries": len(times),
        "telegram_limits": True,
        "p50_ms": round(cuts[49], 1),
        "p95_ms": round(cuts[94], 1),
        "p99_ms": round(cuts[98], 1),
        "max_ms": round(times[-1], 1),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--managers", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        result = await measure(args.products, args.managers, args.rounds, workdir)
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
