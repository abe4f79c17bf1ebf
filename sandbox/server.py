"""`python -m bot sandbox`: the emulator, the bot pointed at it, and the page, in one process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web
from pydantic import SecretStr

from bot import migrate
from bot.app import build_app, prepare
from bot.serve import STOP_GRACE
from bot.settings import Settings
from bot.sweeps.scheduler import SWEEPS, Sweep, create_scheduler
from bot.updates.polling import poll
from emulator import Emulator
from sandbox import demo
from sandbox.api import EMULATOR_PREFIX, create_web_app
from sandbox.demo_data import OWNER
from sandbox.net import CannotListen, bind, url_of
from sandbox.people import OWNER_ID, Roster
from sandbox.sandbox import Sandbox
from sandbox.world import start_world
from services.clock import ManualClock

log = logging.getLogger(__name__)

GREETING_TIMEOUT = 15.0
# Inline mode switched on as BotFather's /setinline would, so `@axin_bot lam` finds products.
INLINE_PLACEHOLDER = "Search products…"


def sandbox_settings(
    base: Settings, emulator: Emulator, api_url: str, database_url: str
) -> Settings:
    """The operator's settings, but with the emulator's token and a database of its own, and
    requests going to managers at any hour someone tries it (the owner's /settings can narrow
    the hours)."""
    return base.model_copy(
        update={
            "bot_token": SecretStr(emulator.token),
            "telegram_api_url": api_url,
            "database_url": database_url,
            "owner_ids": [OWNER_ID],
            "redis_url": None,
            "webhook_url": None,
            "working_hours": "mon-sun 00:00-24:00",
        }
    )


@asynccontextmanager
async def start_sandbox(
    base: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 8081,
    with_demo: bool = False,
    database_url: str | None = None,
    sweeps: Sequence[Sweep] = SWEEPS,
) -> AsyncIterator[Sandbox]:
    """Everything running until the block ends; database_url None means a fresh SQLite file."""
    with contextlib.ExitStack() as stack:
        if database_url is None:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="axin-sandbox-"))
            database_url = f"sqlite+aiosqlite:///{Path(folder) / 'sandbox.db'}"
        public = stack.enter_context(bind(host, port))
        # The bot reaches the emulator on loopback whatever address the page is served on.
        private = stack.enter_context(bind("127.0.0.1", 0))
        clock = ManualClock(follow_system=True)
        # Message dates follow the bot's clock, so a jump shows in the chats too.
        emulator = Emulator(
            wall_clock=lambda: clock.now().timestamp(), inline_placeholder=INLINE_PLACEHOLDER
        )
        api_url = url_of(private) + EMULATOR_PREFIX
        settings = sandbox_settings(base, emulator, api_url, database_url)
        # The emulator is on this machine: no proxy a .env may name.
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_url))
        app = build_app(settings, clock, session)
        sandbox = Sandbox(emulator, Roster(emulator), clock, app, sweeps, url_of(public))
        runner = web.AppRunner(create_web_app(sandbox), shutdown_timeout=1.0, access_log=None)
        await runner.setup()
        try:
            await web.SockSite(runner, public).start()
            await web.SockSite(runner, private).start()
            async with _running_bot(sandbox, with_demo):
                yield sandbox
        finally:
            await runner.cleanup()
            await app.engine.dispose()


@asynccontextmanager
async def _running_bot(sandbox: Sandbox, with_demo: bool) -> AsyncIterator[None]:
    app, emulator = sandbox.app, sandbox.emulator
    await migrate.upgrade(app.engine)
    if with_demo:
        await demo.load(sandbox)
    else:
        sandbox.roster.add(OWNER_ID, *OWNER).start()
        sandbox.roster.add_customer()
    await prepare(app)
    allowed = app.dispatcher.resolve_used_update_types()
    polling = asyncio.create_task(poll(app.bot, app.inbox, allowed))
    sender: asyncio.Task[None] | None = None
    scheduler = create_scheduler(app, list(sandbox.sweeps))
    try:
        async with start_world(app) as world:
            sandbox.world = world
            await _greeted(sandbox)
            # Queued notifications go out after the greetings, so every chat reads in order.
            sender = asyncio.create_task(app.sender.run())
            # What is already due shows at once rather than at the first scheduled run.
            await sandbox.run_sweeps()
            scheduler.start()
            yield
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
        if sender is not None:
            await _cancel(sender)
        emulator.updates.terminate_polls()
        await _cancel(polling)
        await app.inbox.close(STOP_GRACE)


async def _cancel(task: asyncio.Task[None]) -> None:
    """Cancel until it ends: on Python 3.11 asyncio.wait_for swallows a cancellation that
    arrives just as the awaited event fires, which the outbox loop waits on."""
    while not task.done():
        task.cancel()
        await asyncio.wait([task], timeout=0.1)
    with contextlib.suppress(asyncio.CancelledError):
        task.result()


async def _greeted(sandbox: Sandbox) -> None:
    """Wait until the bot has answered the /start of everyone who opened it at startup."""
    started = [u for u in sandbox.emulator.users.values() if u.started]

    def answered() -> bool:
        return all(any(m.outgoing for m in sandbox.emulator.messages(user.id)) for user in started)

    try:
        await sandbox.emulator.wait_for(answered, GREETING_TIMEOUT)
    except TimeoutError:
        log.warning("the bot did not answer every /start within %s s", GREETING_TIMEOUT)


async def serve(base: Settings, *, host: str, port: int, with_demo: bool) -> int:
    # Every update and sweep would be a log line; the page shows what happens instead.
    for name in ("aiogram.event", "apscheduler"):
        logging.getLogger(name).setLevel(logging.WARNING)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    try:
        async with start_sandbox(base, host=host, port=port, with_demo=with_demo) as sandbox:
            print(f"Axın sandbox: open {sandbox.url} in a browser (Ctrl+C stops it).", flush=True)
            if sandbox.world is not None:
                print(
                    f"HTTP API: {sandbox.world.base_url}/api/v1 "
                    f"(Authorization: Bearer {sandbox.world.token})",
                    flush=True,
                )
            await stop.wait()
    except CannotListen as error:
        print(f"The sandbox {error}", file=sys.stderr)
        return 1
    return 0
