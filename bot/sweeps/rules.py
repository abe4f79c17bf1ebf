"""The time rules' sweep: what came due fires through the rules, and the sender is woken for
the messages they queued."""

from __future__ import annotations

from bot.runtime import Running
from services.rules.sweep import sweep

SECONDS = 30.0


async def time_rules(app: Running) -> int:
    async with app.sessions() as session:
        due = await sweep(session, app.clock.now())
    if due:
        app.sender.wake()
    return due
