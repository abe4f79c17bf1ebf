"""Log lines: plain text, or with LOG_FORMAT=json one JSON object per line with the time, level,
logger and message and, when known, the update and the deal the line is about
(`services.log_context`). Also the middleware that names the deal a button press is about."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import IO, Any, Literal

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

from services import log_context

LogFormat = Literal["text", "json"]
TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_CONTEXT = ("update_id", "deal_id")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in _CONTEXT:
            value = getattr(record, key, None)
            if value is not None:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        # Newlines in a message or a traceback are escaped: the object stays on one line.
        return json.dumps(line, ensure_ascii=False, default=str)


def log_handler(log_format: LogFormat, stream: IO[str] | None = None) -> logging.Handler:
    """A handler writing to `stream` (standard error by default) in the format chosen."""
    handler = logging.StreamHandler(stream)
    handler.addFilter(log_context.LogContext())
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT))
    return handler


def configure(log_format: LogFormat) -> None:
    logging.basicConfig(level=logging.INFO, handlers=[log_handler(log_format)])
    # aiogram notes every update it handled at INFO: a line per message is noise in a
    # business's log (and a cost under load); its errors are still logged.
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)


class DealOfPress(BaseMiddleware):
    """A press on a button that names a deal (a card's, a list's, a reminder's): what is logged
    while it is handled is about that deal."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        deal = getattr(data.get("callback_data"), "deal_id", None)
        if isinstance(deal, int):
            log_context.about_deal(deal)
        return await handler(event, data)
