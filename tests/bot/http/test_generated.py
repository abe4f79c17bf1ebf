"""Requests generated from the OpenAPI document, valid and invalid, against the real
application on a free local port: none answers a server error, and every answer is one the
document describes (status, content type, body). Bounded and derandomised, so every run sends
the same requests."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass

import pytest
import schemathesis
from aiohttp.test_utils import TestServer
from hypothesis import HealthCheck, settings

from bot.http.openapi import document
from bot.http.server import create_http_app
from services import api_tokens
from services.clock import ManualClock
from services.leads import Lead, submit_lead
from tests.support.db import START
from tests.support.deals import make_manager
from tests.support.harness import harness, make_settings

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261206,
        "generation": {
            "mode": "all",
            "max-examples": 100,
            "deterministic": True,
            "database": "none",
        },
        "phases": {"stateful": {"enabled": False}},
        "checks": {
            "enabled": False,
            "not_a_server_error": {"enabled": True},
            "status_code_conformance": {"enabled": True},
            "content_type_conformance": {"enabled": True},
            "response_schema_conformance": {"enabled": True},
            "negative_data_rejection": {"enabled": True},
        },
    }
)


@dataclass(frozen=True)
class Served:
    url: str
    token: str


async def _serve(database_url: str, started: Future[Served], stop: threading.Event) -> None:
    clock = ManualClock(START)
    async with harness(make_settings(database_url), clock) as tg:
        await make_manager(tg)
        async with tg.app.sessions() as session:
            token = await api_tokens.create(session, None, "website", clock.now())
        async with tg.app.sessions() as session:
            # Deal 1, the one the document's example names.
            lead = Lead("Leyla", "+994501234567", None, "", None, "seed")
            region = tg.app.settings.phone_region
            await submit_lead(session, lead, token_id=None, region=region, now=clock.now())
        async with TestServer(create_http_app(tg.app)) as server:
            started.set_result(Served(str(server.make_url("")).rstrip("/"), token.secret))
            await asyncio.to_thread(stop.wait)


@pytest.fixture
def served(database_url: str) -> Iterator[Served]:
    """The application on its own event loop in another thread, as the tests' requests are
    made synchronously."""
    started: Future[Served] = Future()
    stop = threading.Event()

    def run() -> None:
        try:
            asyncio.run(_serve(database_url, started, stop))
        except BaseException as error:
            if not started.done():
                started.set_exception(error)
            raise

    thread = threading.Thread(target=run, name="api-server")
    thread.start()
    try:
        yield started.result(timeout=30)
    finally:
        stop.set()
        thread.join(timeout=30)


# The document the application serves at /api/v1/openapi.json (test_http_api checks that it
# serves this one), loaded before the server exists, as pytest collects a test per operation.
schema = schemathesis.openapi.from_dict(document(), config=CONFIG)


@schema.parametrize()
# The server lives across the examples, as a deployed one does.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_generated_requests_get_documented_answers(
    case: schemathesis.Case, served: Served
) -> None:
    case.call_and_validate(
        base_url=served.url, headers={"Authorization": f"Bearer {served.token}"}
    )
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    case.call_and_validate(base_url=served.url)
