"""Digests pushed to owners: the sweep that queues them when due (the sender renders them)."""

from __future__ import annotations

from bot.runtime import Running
from bot.settings import defaults_of
from services.reports import digest

SWEEP_SECONDS = 60.0


async def send_digests(app: Running) -> int:
    """The periodic sweep: queue every digest now due; the outbox sender delivers them."""
    async with app.sessions() as session:
        queued = await digest.queue_due(
            session,
            app.clock.now(),
            app.settings.zone,
            defaults_of(app.settings),
        )
    if queued:
        app.sender.wake()
    return queued
