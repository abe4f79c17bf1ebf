"""An API request's body: at most API_MAX_BODY bytes, whatever the client declares or does not
declare, read as one JSON object."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

API_MAX_BODY = 64 * 1024
# The application's own limit, aiohttp's default and the one aiogram's webhook server keeps:
# the largest update Telegram sends fits. API routes read within API_MAX_BODY themselves.
APP_MAX_BODY = 1024**2


class Refused(Exception):
    """A body the API will not read; `status` is 400 or 413."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


async def read_limited(request: web.Request) -> bytes:
    """The body, reading at most one byte past the limit to tell that it is over."""
    declared = request.content_length
    if declared is not None and declared > API_MAX_BODY:
        raise Refused(413, f"the body is limited to {API_MAX_BODY} bytes")
    body = bytearray()
    while chunk := await request.content.read(API_MAX_BODY + 1 - len(body)):
        body += chunk
        if len(body) > API_MAX_BODY:
            raise Refused(413, f"the body is limited to {API_MAX_BODY} bytes")
    return bytes(body)


def json_object(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw or b"null")
    except RecursionError as exc:
        raise Refused(400, "the body is nested too deeply") from exc
    except ValueError as exc:
        raise Refused(400, "the body is not JSON") from exc
    if not isinstance(data, dict):
        raise Refused(400, "the body must be a JSON object")
    return data
