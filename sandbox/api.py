"""The sandbox page and its JSON API; the emulator's own control API is mounted under /tg."""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from aiohttp import web

from emulator import create_app as create_emulator_app
from emulator.server import MAX_BODY
from sandbox.formats import page_formats
from sandbox.labels import choose_locale, translated
from sandbox.sandbox import Sandbox

STATIC = Path(__file__).resolve().parent / "static"
# What a browser shows itself, opened in a tab; any other file (a web page someone sent, say)
# is only downloaded, so nothing sent in a chat runs as the sandbox page.
OPENED = frozenset(
    {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain"}
)
EMULATOR_PREFIX = "/tg"
SANDBOX_KEY = web.AppKey("sandbox", Sandbox)

Action = Callable[[Sandbox, web.Request], Awaitable[Any]]


class OutsideWorldUnavailable(LookupError):
    """A side-panel action whose part of Axın is not in this build."""


def _json(result: Any, status: int = 200) -> web.Response:
    body = {"ok": status == 200, "result" if status == 200 else "error": result}
    return web.json_response(body, status=status, dumps=lambda v: json.dumps(v, default=str))


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.body_exists:
        return {}
    try:
        data = await request.json()
    except ValueError:
        raise ValueError("request body must be JSON") from None
    if not isinstance(data, dict):
        raise ValueError("request body must be a JSON object")
    return data


def _handle(action: Action) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def wrapped(request: web.Request) -> web.Response:
        try:
            return _json(await action(request.app[SANDBOX_KEY], request))
        except OutsideWorldUnavailable as error:
            return _json(str(error), 404)
        except KeyError as error:
            return _json(f"missing or unknown {error}", 400)
        except (TypeError, ValueError) as error:
            return _json(str(error), 400)

    return wrapped


async def state(sandbox: Sandbox, request: web.Request) -> Any:
    return await sandbox.state()


async def language(sandbox: Sandbox, request: web.Request) -> Any:
    """The page's own words and formats, in ?lang= or else the browser's language."""
    locale = choose_locale(request.query.get("lang"), request.headers.get("Accept-Language", ""))
    return {
        "locale": locale,
        "labels": translated(sandbox.app.i18n, locale),
        "formats": page_formats(locale),
    }


async def add_person(sandbox: Sandbox, request: web.Request) -> Any:
    body = await _body(request)
    person = sandbox.roster.add_customer(
        str(body.get("first_name") or ""), str(body.get("language") or "")
    )
    return sandbox.describe(person, None)


async def commands(sandbox: Sandbox, request: web.Request) -> Any:
    tg_id = int(request.match_info["tg_id"])
    if tg_id not in sandbox.roster.people:
        raise KeyError(tg_id)
    return sandbox.commands_for(tg_id)


async def clock(sandbox: Sandbox, request: web.Request) -> Any:
    body = await _body(request)
    now = await sandbox.jump(timedelta(seconds=float(body["seconds"])))
    return {"now": now.isoformat()}


async def call(sandbox: Sandbox, request: web.Request) -> Any:
    if sandbox.world is None or not sandbox.features.get("calls"):
        raise OutsideWorldUnavailable("missed calls are not available in this build")
    body = await _body(request)
    return await sandbox.world.missed_call(str(body["phone"]))


async def lead(sandbox: Sandbox, request: web.Request) -> Any:
    if sandbox.world is None or not sandbox.features.get("leads"):
        raise OutsideWorldUnavailable("website leads are not available in this build")
    body = await _body(request)
    return await sandbox.world.lead(
        str(body.get("name") or ""), str(body.get("phone") or ""), str(body.get("message") or "")
    )


async def file(request: web.Request) -> web.StreamResponse:
    """Photos and documents in the chats, without handing the bot token to the page; a
    document under the name it was sent with."""
    files = request.app[SANDBOX_KEY].emulator.files
    stored = files.get(request.match_info["file_id"])
    if stored is None:
        raise web.HTTPNotFound()
    kind = mimetypes.guess_type(stored.file_path)[0] or "application/octet-stream"
    name = PurePosixPath(stored.file_path).name
    if stored.kind == "document":
        name = files.document(stored.file_id).get("file_name") or name
    shown = "inline" if kind in OPENED else "attachment"
    headers = {
        "Content-Disposition": f"{shown}; filename*=UTF-8''{quote(name, safe='')}",
        "X-Content-Type-Options": "nosniff",
    }
    return web.Response(body=stored.data, content_type=kind, headers=headers)


async def index(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


def create_web_app(sandbox: Sandbox) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    app[SANDBOX_KEY] = sandbox
    routes: list[tuple[str, str, Action]] = [
        ("GET", "/sandbox/api/state", state),
        ("GET", "/sandbox/api/labels", language),
        ("POST", "/sandbox/api/people", add_person),
        ("GET", "/sandbox/api/people/{tg_id:\\d+}/commands", commands),
        ("POST", "/sandbox/api/clock", clock),
        ("POST", "/sandbox/api/calls", call),
        ("POST", "/sandbox/api/leads", lead),
    ]
    for method, path, action in routes:
        app.router.add_route(method, path, _handle(action))
    app.router.add_get("/sandbox/api/files/{file_id}", file)
    app.router.add_get("/", index)
    app.router.add_static("/static/", STATIC)
    app.add_subapp(EMULATOR_PREFIX, create_emulator_app(sandbox.emulator))
    return app
