"""The aiohttp application: /healthz, /metrics, /api/v1/openapi.json, the API routes and, in
webhook mode, the webhook; and serving it on HTTP_HOST:HTTP_PORT."""

from __future__ import annotations

from aiohttp import web

from bot.http.api import APP, ENDPOINTS, route
from bot.http.body import APP_MAX_BODY
from bot.http.openapi import document
from bot.http.schemas import Health
from bot.runtime import Serving
from bot.updates.webhook import add_webhook_route
from services.health import database_ok, redis_ok

# Redis answers a PING within this, or is reported unreachable.
REDIS_TIMEOUT = 1.0


async def _healthz(request: web.Request) -> web.Response:
    app = request.app[APP]
    async with app.sessions() as session:
        database = await database_ok(session)
    redis = None if app.redis is None else await redis_ok(app.redis, REDIS_TIMEOUT)
    health = Health(
        status="ok" if database and redis is not False else "error",
        database="ok" if database else "unreachable",
        redis=None if redis is None else "ok" if redis else "unreachable",
    )
    return web.json_response(
        health.model_dump(exclude_none=True), status=200 if health.status == "ok" else 503
    )


async def _metrics(request: web.Request) -> web.StreamResponse:
    app: Serving = request.app[APP]
    return await app.metrics.serve(request, app.sessions, app.clock.now())


async def _openapi(request: web.Request) -> web.Response:
    return web.json_response(document())


def create_http_app(app: Serving, serves_updates: bool = True) -> web.Application:
    """/healthz and /metrics always; the HTTP API and the webhook where this process takes
    updates."""
    web_app = web.Application(client_max_size=APP_MAX_BODY)
    web_app[APP] = app
    web_app.router.add_get("/healthz", _healthz)
    web_app.router.add_get("/metrics", _metrics)
    if not serves_updates:
        return web_app
    web_app.router.add_get("/api/v1/openapi.json", _openapi)
    for endpoint in ENDPOINTS:
        web_app.router.add_route(endpoint.method, endpoint.path, route(endpoint))
    settings = app.settings
    if settings.webhook_url and settings.webhook_secret:
        add_webhook_route(
            web_app, settings.webhook_url, settings.webhook_secret, app.bot, app.inbox
        )
    return web_app


async def start_http(app: Serving, serves_updates: bool = True) -> web.AppRunner:
    runner = web.AppRunner(create_http_app(app, serves_updates), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, app.settings.http_host, app.settings.http_port).start()
    return runner
