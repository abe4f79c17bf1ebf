"""What a log line is about: the update being handled and the deal being worked on. Context
variables carry them (each update is handled in a task of its own, as each chat the outbox
sender delivers), and `LogContext`, a logging filter, puts them on every record."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

update_id: ContextVar[int | None] = ContextVar("log_update_id", default=None)
deal_id: ContextVar[int | None] = ContextVar("log_deal_id", default=None)


@contextmanager
def handling(update: int) -> Iterator[None]:
    """Lines logged inside are about this update, and about no deal until one is named."""
    update_token, deal_token = update_id.set(update), deal_id.set(None)
    try:
        yield
    finally:
        deal_id.reset(deal_token)
        update_id.reset(update_token)


def about_deal(deal: int | None) -> None:
    """Lines logged from here on in this task (for an update: until it is handled) are about
    this deal."""
    deal_id.set(deal)


class LogContext(logging.Filter):
    """Adds `update_id` and `deal_id` (None when not known) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.update_id = update_id.get()
        record.deal_id = deal_id.get()
        return True
