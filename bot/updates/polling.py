"""Long polling into the inbox: a batch of updates is kept before the next getUpdates tells
Telegram it arrived (by its offset), so an update Telegram handed over is never lost. As
aiogram's own polling does, it goes on through failures, with growing pauses; only a token
Telegram does not know stops it."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramConflictError, TelegramUnauthorizedError
from aiogram.methods import GetUpdates
from aiogram.utils.backoff import Backoff, BackoffConfig

from bot.updates.inbox import UpdateInbox

log = logging.getLogger(__name__)

POLL_TIMEOUT = 30
RETRY = BackoffConfig(min_delay=1.0, max_delay=30.0, factor=1.5, jitter=0.1)


async def poll(
    bot: Bot, updates: UpdateInbox, allowed: list[str], timeout: int = POLL_TIMEOUT
) -> None:
    """Until cancelled. A batch not kept is asked for again: it was not acknowledged. (A 429
    is waited out by the bot's request middleware.)"""
    backoff = Backoff(RETRY)
    request = GetUpdates(timeout=timeout, allowed_updates=allowed)
    # The request waits for the long poll on top of the usual time an answer takes.
    request_timeout = int(bot.session.timeout + timeout)
    while True:
        try:
            batch = await bot(request, request_timeout=request_timeout)
            await updates.receive(batch)
        except TelegramUnauthorizedError:
            raise
        except TelegramConflictError:
            # Another getUpdates for this token: a process stopping as this one starts, or
            # one elsewhere (this one holds the poller's lease among those sharing its data).
            log.warning("Telegram says another process polls for this bot; again in a moment")
            await backoff.asleep()
            continue
        except Exception as error:
            log.warning("updates not fetched, again in %.1f s: %r", backoff.next_delay, error)
            await backoff.asleep()
            continue
        backoff.reset()
        if batch:
            request.offset = batch[-1].update_id + 1
