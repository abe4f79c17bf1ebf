"""Sweeps of the update inbox: what a stopped worker left, and what is old enough to forget."""

from __future__ import annotations

from datetime import timedelta

from bot.runtime import Running
from services import inbox

# Telegram repeats no update after a day; the inbox keeps handled ones a day more.
INBOX_KEPT = timedelta(days=2)


async def pick_up_updates(app: Running) -> None:
    """Updates a stopped or crashed worker left unhandled, once its hold has run out."""
    await app.inbox.pick_up()


async def prune_inbox(app: Running) -> None:
    async with app.sessions() as session:
        await inbox.prune(session, app.clock.now() - INBOX_KEPT)
