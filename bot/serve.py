"""`python -m bot run [--role web|worker|all]`: what a process does, and how several share one
bot.

- `all` (the default): everything, in one process; the only role that may poll Telegram.
- `web`: takes updates from the webhook and the HTTP API, and handles the updates it took.
- `worker`: sends the outbox and runs the scheduled sweeps (which also handle updates a
  stopped web process left).

Polling means one process: a second one polling for the same bot is refused at start (a lease
in the database names the poller). The bot's menus and webhook are set by whichever process
starts first, within a few minutes, not by each."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Literal

from bot.app import App, close, prepare_data, set_up_bot
from bot.http.server import start_http
from bot.i18n import load_locale_data
from bot.sweeps.scheduler import create_scheduler
from bot.updates.polling import poll
from bot.workers import is_gone
from services import leases

log = logging.getLogger(__name__)

Role = Literal["web", "worker", "all"]
ROLES: tuple[Role, ...] = ("web", "worker", "all")
POLLER, SETUP = "poller", "setup"
POLLER_HOLD = timedelta(seconds=15)
SETUP_HOLD = timedelta(minutes=5)
# Seconds the updates being handled get to finish when the bot stops.
STOP_GRACE = 10.0
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# Net new container objects between collections of the youngest generation.
YOUNG_OBJECTS = 50_000


class CannotStart(Exception):
    """Why `run` will not start, said in one line for the operator."""


def check_role(app: App, role: Role) -> None:
    settings = app.settings
    if role == "all":
        return
    if not settings.webhook_url:
        raise CannotStart(
            f"--role {role} is for several processes in webhook mode: set WEBHOOK_URL "
            "(polling runs in one process, --role all)"
        )
    if not settings.redis_url:
        raise CannotStart(
            "several processes share Telegram's send budget through Redis: set REDIS_URL"
        )


async def run(app: App, role: Role = "all") -> None:
    """Serve until SIGINT or SIGTERM."""
    check_role(app, role)
    polling = not app.settings.webhook_url
    try:
        await prepare_data(app)
        if polling:
            await _hold(app, POLLER, POLLER_HOLD, refuse=True)
        await _serve(app, role, polling)
    finally:
        with contextlib.suppress(Exception):
            async with app.sessions() as session:
                await leases.release(session, POLLER, app.worker)
        await close(app)


async def _hold(app: App, name: str, hold: timedelta, *, refuse: bool = False) -> bool:
    """Take or keep the lease; with `refuse`, a holder still renewing it after a whole hold
    has passed is alive, and this process does not start."""
    for attempt in range(2 if refuse else 1):
        if attempt:
            await asyncio.sleep(hold.total_seconds())
        async with app.sessions() as session:
            now = app.clock.now()
            if await leases.take(session, name, app.worker, now, hold):
                return True
            holder = await leases.holder_of(session, name, now) or ""
            gone = is_gone(holder, app.worker)
            if gone and await leases.take_over(session, name, app.worker, holder, now, hold):
                return True
    if refuse:
        raise CannotStart(
            f"another Axın process ({holder}) polls Telegram for this bot, and polling means "
            "one process: stop it, or run several processes in webhook mode (WEBHOOK_URL)"
        )
    return False


async def _serve(app: App, role: Role, polling: bool) -> None:
    _settle_heap()
    background: list[asyncio.Task[None]] = []
    scheduler = None
    if role in ("worker", "all"):
        background.append(asyncio.create_task(app.sender.run()))
        if app.shared_wake is not None:
            background.append(asyncio.create_task(app.shared_wake.listen(app.sender.wake_here)))
        scheduler = create_scheduler(app)
        scheduler.start()
    http = await start_http(app, serves_updates=role in ("web", "all"))
    try:
        # Once the webhook route is listening: Telegram may post as soon as it is set.
        if await _hold(app, SETUP, SETUP_HOLD):
            await set_up_bot(app)
        async with _stop_signals() as stop:
            await app.inbox.pick_up()
            if polling:
                background.append(asyncio.create_task(_keep_polling(app)))
            await _until(stop, background)
    finally:
        await http.cleanup()
        await app.inbox.close(STOP_GRACE)
        if scheduler is not None:
            scheduler.shutdown(wait=False)
            await app.sender.stop(STOP_GRACE)
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)


async def _keep_polling(app: App) -> None:
    """Poll, renewing the poller's lease meanwhile; losing it (this process stalled and another
    took over) stops polling here."""
    # Telegram refuses getUpdates while a webhook is set, say from an earlier run.
    await app.bot.delete_webhook()
    allowed = app.dispatcher.resolve_used_update_types()
    polling = asyncio.create_task(poll(app.bot, app.inbox, allowed))
    try:
        while not polling.done():
            await asyncio.wait({polling}, timeout=POLLER_HOLD.total_seconds() / 3)
            if not polling.done() and not await _hold(app, POLLER, POLLER_HOLD):
                raise CannotStart("another Axın process took over polling for this bot")
        polling.result()
    finally:
        polling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await polling


async def _until(stop: asyncio.Event, background: list[asyncio.Task[None]]) -> None:
    """Until `stop`; a background task that ends with an error ends the run with it."""
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({stopping, *background}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
    for task in background:
        if task.done() and not task.cancelled():
            task.result()


def _settle_heap() -> None:
    """What is loaded by now lives as long as the process: the collector need not scan it
    again, and a full collection over it would pause every update for a long moment. An
    update then allocates thousands of short-lived objects (models, rows, requests): at
    Python's default threshold (700) young collections and the full ones they lead to took
    about 8% of the bot's time under load; at this one, well under 1%. The languages' data is
    read first, to live here too."""
    load_locale_data()
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS, 10, 10)


@contextlib.asynccontextmanager
async def _stop_signals() -> AsyncIterator[asyncio.Event]:
    """An event set by SIGINT or SIGTERM, from the moment it is entered."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # Where signals cannot be handled (Windows), Ctrl+C cancels the run instead.
    with contextlib.suppress(NotImplementedError):
        for signum in _STOP_SIGNALS:
            loop.add_signal_handler(signum, stop.set)
    try:
        yield stop
    finally:
        with contextlib.suppress(NotImplementedError):
            for signum in _STOP_SIGNALS:
                loop.remove_signal_handler(signum)
