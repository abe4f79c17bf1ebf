"""The README's recipe on this machine: Telegram (the emulator) posts over HTTPS to nginx serving
deploy/nginx/axin.conf, in front of two web processes and a worker on PostgreSQL and Redis.
Customers keep writing while the web processes are restarted one after the other, as the README
tells: every customer is answered exactly once, and Telegram never sees a failed delivery."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emulator import start_emulator
from services.db.deals import Deal
from services.db.engine import create_engine, session_factory
from services.db.inbox import InboxUpdate
from tests.support.db import PG_URL
from tests.support.fleet import (
    CONFIRMATION,
    PATIENCE,
    Customers,
    Fleet,
    stored_by,
    storing,
    unsent,
    until,
)
from tests.support.live import OWNER_ID
from tests.support.nginx import serving_site
from tests.support.processes import free_port
from tests.support.tls import Certificate, self_signed

REDIS_URL = os.environ.get("TEST_REDIS_URL")
DOMAIN = "crm.example.test"
PUBLIC = f"https://{DOMAIN}"
HOOK_PATH = "/telegram/hook"

pytestmark = pytest.mark.skipif(
    not (PG_URL and REDIS_URL),
    reason="several processes share PostgreSQL and Redis: set TEST_DATABASE_URL to PostgreSQL "
    "and TEST_REDIS_URL",
)


async def test_a_rolling_restart_behind_nginx_loses_no_update(
    database_url: str, tmp_path: Path
) -> None:
    assert REDIS_URL is not None
    async with Redis.from_url(REDIS_URL) as redis:
        await redis.flushdb()
    certificate = self_signed(tmp_path, DOMAIN)
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    try:
        async with start_emulator() as running:
            emu = running.emulator
            emu.user(OWNER_ID, "Olga", language_code="en").user.started = True  # gets cards
            fleet = Fleet(running, database_url, REDIS_URL, PUBLIC + HOOK_PATH, tmp_path)
            try:
                customers, stopped = await _restart_one_by_one(fleet, sessions, certificate)
            finally:
                fleet.kill_all()
        by_process = await stored_by(sessions)
        async with sessions() as session:
            deals = await session.scalar(select(func.count()).select_from(Deal))
            handled = await session.execute(
                select(
                    InboxUpdate.handled_at.is_not(None), InboxUpdate.error, func.count()
                ).group_by(InboxUpdate.handled_at.is_not(None), InboxUpdate.error)
            )
            outcomes = handled.all()
    finally:
        await engine.dispose()

    told = customers.confirmations()
    written = len(told)
    print(f"{written} customers; updates stored by process: {dict(by_process)}")
    numbers = [
        int(match.group(1))
        for said in told
        if len(said) == 1 and (match := CONFIRMATION.fullmatch(said[0]))
    ]
    # Each customer was told once, and no request number twice.
    assert sorted(numbers) == list(range(1, written + 1))
    assert deals == written
    assert outcomes == [(True, None, written)]
    assert stopped == [0, 0]
    assert emu.webhook.last_error is None
    assert not emu.updates.pending


async def _restart_one_by_one(
    fleet: Fleet, sessions: async_sessionmaker[AsyncSession], certificate: Certificate
) -> tuple[Customers, list[int]]:
    """Two web processes and a worker behind nginx; while customers write, each web process is
    stopped (SIGTERM), the other takes every update meanwhile, and it is started again and
    back in turn before the next. Returns the customers and the stopped processes' exit codes,
    once every customer was answered."""
    emu = fleet.running.emulator
    ports = [free_port(), free_port()]
    async with serving_site(fleet.logs / "nginx", certificate, DOMAIN, HOOK_PATH, ports) as site:
        emu.webhook.route(PUBLIC, site.origin, certificate.trust())
        worker, *webs = await asyncio.gather(
            fleet.start("worker", free_port()), *(fleet.start("web", port) for port in ports)
        )
        await emu.wait_for_request("setWebhook", timeout=PATIENCE)
        customers = Customers(fleet.running)
        writing = asyncio.create_task(customers.write())
        # Round robin: each web process takes updates.
        await asyncio.gather(*(storing(sessions, web, 3) for web in webs))
        stopped = []
        for index in (0, 1):
            stopped.append(await webs[index].stop())
            await storing(sessions, webs[1 - index], 3)
            webs[index] = await fleet.start("web", ports[index])
            await storing(sessions, webs[index], 3)
        customers.stop.set()
        await writing

        async def all_answered() -> bool:
            return customers.unanswered() == 0 and await unsent(sessions) == 0

        await until(all_answered, "every customer answered")
        for process in (*webs, worker):
            assert await process.stop() == 0
    return customers, stopped
