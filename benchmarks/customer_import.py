"""`/customers import` of a file of 10,000 rows, as an owner sends back an export they edited:
half the rows update customers already there (by id: a new e-mail, their phones and tags
replaced), half add customers (a main phone, for some another, an e-mail and tags). The
customers updated are written straight to the database first, which is not timed; the file is
an .xlsx made with openpyxl. The import is timed whole, from the file's bytes to its commit,
and so is reading and checking its rows alone (the part before the database). Prints one JSON
line.

    python benchmarks/customer_import.py [--rows 10000] [--database-url URL]

A PostgreSQL database given by URL is emptied first.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import func, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.rule_mix import fresh  # noqa: E402
from services import customer_import, customer_import_rows, customer_sheet  # noqa: E402
from services.access import Actor  # noqa: E402
from services.db.customers import Customer, CustomerPhone, CustomerTag, fold  # noqa: E402
from services.db.engine import create_engine, session_factory  # noqa: E402
from services.db.users import User  # noqa: E402

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
REGION = "AZ"
COLUMNS = ["id", "name", "phone", "other_phones", "email", "company", "tags", "notes"]
# The column keys are headers an import reads too.
TITLES = {column: column for column in customer_sheet.COLUMNS}
TAGS = ("vip", "wholesale", "new", "baku", "sumqayit", "repeat", "late", "b2b")
CHUNK = 5_000


async def seed(url: str, count: int) -> None:
    """The owner, and `count` customers with ids 1..count, each with an own number."""
    engine = await fresh(url)
    async with engine.begin() as conn:
        owner = {"id": 1, "tg_id": 1001, "role": "owner", "first_name": "Olga", "created_at": NOW}
        await conn.execute(insert(User), [owner])
        for start in range(1, count + 1, CHUNK):
            customers = [
                {
                    "id": number,
                    "name": f"Customer {number}",
                    "name_key": fold(f"Customer {number}"),
                    "phone": f"+99450{number:07d}",
                    "source": "telegram",
                    "created_at": NOW,
                }
                for number in range(start, min(start + CHUNK, count + 1))
            ]
            await conn.execute(insert(Customer), customers)
        if url.startswith("postgresql"):
            # The ids were given: new customers' come after them.
            await conn.execute(
                text("SELECT setval(pg_get_serial_sequence('customers', 'id'), :last)"),
                {"last": count},
            )
    await engine.dispose()


def workbook(rows: int, updated: int, rng: random.Random) -> bytes:
    """`updated` rows naming customers 1..updated, then new customers."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Customers")
    sheet.append(COLUMNS)
    for number in range(1, rows + 1):
        customer_id = number if number <= updated else None
        own = f"+99450{number:07d}" if customer_id else f"+99455{number:07d}"
        other = f"+99470{number:07d}" if rng.random() < 0.3 else None
        sheet.append(
            [
                customer_id,
                f"Müştəri {number}",
                own,
                other,
                f"customer{number}@example.com",
                rng.choice((None, "MMC Baku", "Olga LLC")),
                ", ".join(rng.sample(TAGS, rng.randint(0, 3))) or None,
                "Calls after 18:00" if rng.random() < 0.2 else None,
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def measure(url: str, rows: int) -> dict[str, Any]:
    rng = random.Random(21)
    updated = rows // 2
    await seed(url, updated)
    data = workbook(rows, updated, rng)
    started = time.perf_counter()
    read = customer_sheet.read(data, False, TITLES)
    parsed = [customer_import_rows.parse(n, cells, REGION, date(2026, 12, 1)) for n, cells in read]
    reading = time.perf_counter() - started
    assert not [found for _row, found in parsed if found], "the file should have no mistakes"
    engine = create_engine(url)
    sessions = session_factory(engine)
    owner = Actor(user_id=1, tg_id=1001, role="owner", first_name="Olga", locale="en")
    async with sessions() as session:
        started = time.perf_counter()
        imported = await customer_import.import_customers(
            session, owner, data, False, TITLES, REGION, NOW
        )
        seconds = time.perf_counter() - started
    async with sessions() as session:
        counted = [
            await session.scalar(select(func.count()).select_from(table))
            for table in (Customer, CustomerPhone, CustomerTag)
        ]
    await engine.dispose()
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "reading_seconds": round(reading, 2),
        "db": engine.dialect.name,
        "added": imported.added,
        "updated": imported.updated,
        "customers": counted[0],
        "typed_phones": counted[1],
        "tags": counted[2],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        result = asyncio.run(measure(url, args.rows))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
