"""Every revision upgrades, downgrades and upgrades again, and the result matches the models."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import migrate
from services.db.engine import create_engine
from services.db.schema import metadata

PG_URL = os.environ.get("TEST_DATABASE_URL")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def empty_engine(tmp_path: Path) -> AsyncEngine:
    if PG_URL:
        # Named after the test database, so runs against different databases keep apart.
        server, name = PG_URL.rsplit("/", 1)
        scratch = f"{name}_migrations"
        engine = create_engine(f"{server}/{scratch}")
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}"'))
            await conn.execute(text(f'CREATE DATABASE "{scratch}"'))
        await admin.dispose()
        return engine
    return create_engine(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_upgrade_downgrade_upgrade(empty_engine: AsyncEngine) -> None:
    expected = {t.name for t in metadata.sorted_tables}
    await migrate.upgrade(empty_engine)
    assert expected <= await _tables(empty_engine)
    await migrate.downgrade(empty_engine, "base")
    assert await _tables(empty_engine) <= {"alembic_version"}
    await migrate.upgrade(empty_engine)
    assert expected <= await _tables(empty_engine)
    async with empty_engine.connect() as conn:
        stages = await conn.run_sync(
            lambda sync: sync.execute(text("SELECT count(*) FROM stages")).scalar_one()
        )
        diff = await conn.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), metadata)
        )
    assert stages == 6
    assert diff == [], "models and migrations disagree"
    await empty_engine.dispose()


def _a_deal_with_an_item(sync: Connection, vat_included: bool | None) -> None:
    """At revision 0013, in its own columns (later revisions add more): a request holding an
    item with a discount on it, and the sales settings' row when `vat_included` is not None."""
    now = datetime(2026, 3, 1, tzinfo=UTC)
    for statement in (
        "INSERT INTO customers (id, name, source, created_at) VALUES (1, '', 'manual', :now)",
        "INSERT INTO deals (id, customer_id, source, stage_id, amount, title, created_at, "
        "last_activity_at, version) SELECT 1, 1, 'manual', min(id), 25.00, '', :now, :now, 1 "
        "FROM stages",
        "INSERT INTO products (id, names, search, unit, price, vat_rate, active, created_at, "
        "updated_at, version) VALUES (1, CAST(:names AS JSON), 'handle', 'piece', 12.50, 18, "
        ":yes, :now, :now, 1)",
        "INSERT INTO deal_items (id, deal_id, product_id, quantity, unit, price, vat_rate, "
        "created_at) VALUES (1, 1, 1, 2, 'piece', 12.50, 18, :now)",
        "INSERT INTO discounts (id, deal_id, item_id, kind, value, state, created_at) "
        "VALUES (1, 1, 1, 'percent', 5, 'applied', :now)",
    ):
        sync.execute(text(statement), {"now": now, "yes": True, "names": '{"en": "Handle"}'})
    if vat_included is not None:
        sync.execute(
            text(
                "INSERT INTO sales_settings (id, vat_included, manager_discount_limit, "
                "updated_at) VALUES (1, :included, 10, :now)"
            ),
            {"included": vat_included, "now": now},
        )


@pytest.mark.parametrize(("setting", "kept"), [(None, True), (False, False), (True, True)])
async def test_items_already_on_deals_take_the_vat_setting_as_it_is(
    empty_engine: AsyncEngine, setting: bool | None, kept: bool
) -> None:
    """Items added before each kept whether its price includes VAT: the owner's setting then
    (prices include VAT while the owner has not changed it), and their discounts stay."""
    await migrate.upgrade(empty_engine, "0013")
    async with empty_engine.begin() as conn:
        await conn.run_sync(lambda sync: _a_deal_with_an_item(sync, setting))
    await migrate.upgrade(empty_engine, "0014")
    items = metadata.tables["deal_items"]
    async with empty_engine.connect() as conn:
        rows = (await conn.execute(select(items.c.id, items.c.vat_included))).all()
        on_item = (await conn.execute(text("SELECT item_id FROM discounts"))).scalars().all()
    assert [tuple(r) for r in rows] == [(1, kept)]
    assert on_item == [1]
    await migrate.downgrade(empty_engine, "0013")
    async with empty_engine.connect() as conn:
        left = await conn.execute(text("SELECT id, price FROM deal_items"))
        assert [(i, Decimal(str(p))) for i, p in left.all()] == [(1, Decimal("12.50"))]
    await empty_engine.dispose()


async def test_a_removed_discounts_id_is_never_given_again(empty_engine: AsyncEngine) -> None:
    """The owners' question names a discount by its id: after every revision, and down and up
    again, SQLite keeps AUTOINCREMENT (a copied table would lose it and hand out the id of a
    discount taken back)."""
    await migrate.upgrade(empty_engine, "0013")
    async with empty_engine.begin() as conn:
        await conn.run_sync(lambda sync: _a_deal_with_an_item(sync, None))
    await migrate.upgrade(empty_engine)
    await migrate.downgrade(empty_engine, "0014")
    await migrate.upgrade(empty_engine)
    insert = text(
        "INSERT INTO discounts (deal_id, kind, value, state, limited, created_at) "
        "VALUES (1, 'amount', 5, 'applied', :no, :now)"
    )
    values = {"no": False, "now": datetime(2026, 3, 2, tzinfo=UTC)}
    newest = text("SELECT max(id) FROM discounts")
    async with empty_engine.begin() as conn:
        await conn.execute(text("DELETE FROM discounts"))
        await conn.execute(insert, values)
        taken_back = (await conn.execute(newest)).scalar_one()
        await conn.execute(text("DELETE FROM discounts"))
        await conn.execute(insert, values)
        given = (await conn.execute(newest)).scalar_one()
    assert given > taken_back
    await empty_engine.dispose()


@pytest.mark.skipif(not PG_URL, reason="several processes share a database on PostgreSQL")
async def test_processes_started_together_on_an_empty_database_all_migrate(
    empty_engine: AsyncEngine,
) -> None:
    """Workers started at once: one migrates under the lock, the others then find nothing to do
    (before, two of three failed creating the same tables)."""
    url = empty_engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "DATABASE_URL": url}
    migrating = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "migrate",
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(4)
    ]
    results = [(await process.communicate())[1] for process in migrating]
    assert [process.returncode for process in migrating] == [0] * 4, results
    expected = {t.name for t in metadata.sorted_tables}
    assert expected <= await _tables(empty_engine)
    await empty_engine.dispose()
