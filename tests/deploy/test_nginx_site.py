"""deploy/nginx/axin.conf, served by nginx in front of two stand-in web processes that note
what reaches them: what is passed on, to which, and what is not."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.http.body import APP_MAX_BODY
from tests.support.nginx import Nginx, serving_site
from tests.support.processes import free_port
from tests.support.tls import Certificate, self_signed

DOMAIN = "crm.example.test"
HOOK = "/telegram/hook"


@dataclass
class Seen:
    web: int
    method: str
    path: str
    size: int
    forwarded_for: str | None
    forwarded_proto: str | None


@dataclass
class Webs:
    ports: list[int]
    runners: list[web.AppRunner]
    seen: list[Seen] = field(default_factory=list)

    async def stop(self, index: int) -> None:
        await self.runners[index].cleanup()


@dataclass
class Site:
    nginx: Nginx
    webs: Webs
    certificate: Certificate

    async def post(self, path: str, body: bytes = b"{}") -> int:
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                self.nginx.origin + path,
                data=body,
                ssl=self.certificate.trust(),
                allow_redirects=False,
            ) as answer,
        ):
            return answer.status


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    webs = Webs([free_port(), free_port()], [])
    for index, port in enumerate(webs.ports):
        webs.runners.append(await _stand_in(webs, index, port))
    certificate = self_signed(tmp_path, DOMAIN)
    try:
        async with serving_site(
            tmp_path / "nginx", certificate, DOMAIN, HOOK, webs.ports
        ) as nginx:
            yield Site(nginx, webs, certificate)
    finally:
        for runner in webs.runners:
            await runner.cleanup()


async def _stand_in(webs: Webs, index: int, port: int) -> web.AppRunner:
    async def note(request: web.Request) -> web.Response:
        body = await request.read()
        headers = request.headers
        webs.seen.append(
            Seen(
                index,
                request.method,
                request.path,
                len(body),
                headers.get("X-Forwarded-For"),
                headers.get("X-Forwarded-Proto"),
            )
        )
        return web.json_response({})

    app = web.Application(client_max_size=APP_MAX_BODY)
    app.router.add_route("*", "/{path:.*}", note)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


async def test_the_webhook_the_api_and_healthz_go_to_each_web_process_in_turn(
    site: Site,
) -> None:
    paths = [HOOK, HOOK, "/api/v1/leads", "/api/v1/calls", "/healthz", "/healthz"]
    assert [await site.post(path) for path in paths] == [200] * 6
    assert [(s.path, s.web) for s in site.webs.seen] == [
        (path, (site.webs.seen[0].web + i) % 2) for i, path in enumerate(paths)
    ]
    # Where the request came from, and that it came over TLS.
    assert {(s.forwarded_for, s.forwarded_proto) for s in site.webs.seen} == {
        ("127.0.0.1", "https")
    }


async def test_nothing_else_the_web_processes_serve_is_public(site: Site) -> None:
    for path in ("/metrics", "/", f"{HOOK}/other", "/telegram"):
        assert await site.post(path) == 404
    assert site.webs.seen == []


async def test_an_update_of_up_to_one_mebibyte_is_passed_on_whole(site: Site) -> None:
    assert await site.post(HOOK, b"x" * APP_MAX_BODY) == 200
    assert await site.post(HOOK, b"x" * (APP_MAX_BODY + 1)) == 413
    assert [s.size for s in site.webs.seen] == [APP_MAX_BODY]


async def test_with_one_web_process_stopped_every_update_reaches_the_other(site: Site) -> None:
    await site.webs.stop(0)
    assert [await site.post(HOOK) for _ in range(4)] == [200] * 4
    assert [s.web for s in site.webs.seen] == [1] * 4
