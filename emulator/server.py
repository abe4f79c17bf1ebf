"""aiohttp application serving the Bot API (/bot<token>/<method>) and files like Telegram."""

from __future__ import annotations

import asyncio
import json
import mimetypes
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from aiohttp import BodyPartReader, hdrs, web

from .control import add_control_routes
from .core import Emulator
from .errors import ApiError, bad_request, not_found, unauthorized
from .inline_control import add_inline_routes
from .models import Described
from .validation import Upload

EMULATOR_KEY = web.AppKey("emulator", Emulator)
MAX_BODY = 55 * 1024 * 1024

Handler = Callable[[web.Request], Awaitable[web.Response]]

dumps = partial(json.dumps, ensure_ascii=False, default=repr)


def api_response(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=dumps)


async def read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    """Query string plus body (multipart, urlencoded or JSON), as Telegram accepts them."""
    try:
        return await _read_params(request)
    except web.HTTPRequestEntityTooLarge:
        raise ApiError(413, "Request Entity Too Large") from None


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    params: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.method != "POST" or not request.body_exists:
        return params, uploads
    if (request.content_length or 0) > MAX_BODY:
        raise ApiError(413, "Request Entity Too Large")
    if request.content_type == "multipart/form-data":
        async for part in await request.multipart():
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.filename is not None:
                content_type = part.headers.get(hdrs.CONTENT_TYPE, "application/octet-stream")
                data = await part.read(decode=True)
                uploads[part.name] = Upload(bytes(data), part.filename, content_type)
            else:
                params[part.name] = await part.text()
    elif request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON request body") from None
        if not isinstance(body, dict):
            raise bad_request("JSON request body must be an object")
        params.update(body)
    else:
        form = await request.post()
        params.update({key: value for key, value in form.items() if isinstance(value, str)})
    return params, uploads


async def bot_api(request: web.Request) -> web.Response:
    emulator = request.app[EMULATOR_KEY]
    if request.match_info["token"] != emulator.token:
        return api_response(unauthorized().payload(), 401)
    try:
        params, uploads = await read_params(request)
        result = await emulator.call(request.match_info["method"], params, uploads)
    except ApiError as error:
        return api_response(error.payload(), error.status)
    if isinstance(result, Described):
        return api_response(
            {"ok": True, "result": result.result, "description": result.description}
        )
    return api_response({"ok": True, "result": result})


async def download(request: web.Request) -> web.Response:
    emulator = request.app[EMULATOR_KEY]
    if request.match_info["token"] != emulator.token:
        return api_response(unauthorized().payload(), 401)
    stored = emulator.files.by_path(request.match_info["path"])
    if stored is None:
        error = not_found()
        return api_response(error.payload(), error.status)
    content_type = mimetypes.guess_type(stored.file_path)[0] or "application/octet-stream"
    return web.Response(body=stored.data, content_type=content_type)


def over_network(handler: Handler) -> Handler:
    """A route of Telegram's as the bot reaches it across a network: half the emulator's
    latency passes before the call arrives (and is handled, and counted by the flood limits),
    half before its answer is back. Real time, not the emulator's clock: the network is not
    the emulator's to speed up."""

    async def delayed(request: web.Request) -> web.Response:
        emulator = request.app[EMULATOR_KEY]
        if emulator.latency:
            await asyncio.sleep(emulator.latency / 2)
        response = await handler(request)
        if emulator.latency:
            await asyncio.sleep(emulator.latency / 2)
        return response

    return delayed


async def unknown_route(request: web.Request) -> web.Response:
    error = not_found()
    return api_response(error.payload(), error.status)


def create_app(emulator: Emulator) -> web.Application:
    """The Bot API, file downloads and the /_emulator control API on one application."""
    app = web.Application(client_max_size=MAX_BODY)
    app[EMULATOR_KEY] = emulator

    async def on_startup(_: web.Application) -> None:
        emulator.reopen()

    async def on_shutdown(_: web.Application) -> None:
        emulator.shutdown()

    app.on_startup.append(on_startup)
    app.on_shutdown.append(on_shutdown)
    app.router.add_route("*", "/bot{token}/{method}", over_network(bot_api))
    app.router.add_get("/file/bot{token}/{path:.+}", over_network(download))
    add_inline_routes(app, add_control_routes(app, emulator))
    app.router.add_route("*", "/{tail:.*}", unknown_route)
    return app
