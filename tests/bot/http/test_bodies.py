"""Bodies: API routes read at most 64 KiB (and one byte more, to tell), declared or chunked;
the application as a whole, which also serves Telegram's webhook, takes up to 1 MiB; JSON too
deep to read is a bad body."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from unittest import mock

import pytest
from aiohttp import StreamReader, web
from aiohttp.test_utils import TestClient, TestServer, make_mocked_request

from bot.http.body import API_MAX_BODY, APP_MAX_BODY, Refused, read_limited
from bot.http.server import create_http_app
from tests.support.api import LEAD, Api
from tests.support.harness import Harness


def test_the_api_limit_is_the_smaller() -> None:
    assert (API_MAX_BODY, APP_MAX_BODY) == (64 * 1024, 1024 * 1024)


def lead_of_size(size: int) -> bytes:
    """A lead whose JSON is exactly `size` bytes, most of them in the message."""
    bare = json.dumps({**LEAD, "message": ""}).encode()
    return json.dumps({**LEAD, "message": "x" * (size - len(bare))}).encode()


async def chunks(body: bytes, size: int = 4096) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


@pytest.mark.parametrize("chunked", [False, True], ids=["declared", "chunked"])
async def test_a_body_over_64_kib_is_refused_naming_the_limit(api: Api, chunked: bool) -> None:
    before = await api.written()
    body = lead_of_size(API_MAX_BODY + 1)
    status, answer = await api.post_raw("/api/v1/leads", chunks(body) if chunked else body)
    assert (status, answer["error"]) == (413, "too_large")
    assert str(API_MAX_BODY) in answer["message"]
    assert await api.written() == before


@pytest.mark.parametrize("chunked", [False, True], ids=["declared", "chunked"])
async def test_a_body_of_64_kib_is_read(api: Api, chunked: bool) -> None:
    body = lead_of_size(API_MAX_BODY)
    status, answer = await api.post_raw("/api/v1/leads", chunks(body) if chunked else body)
    # Read and judged: the message is longer than a form's message may be.
    assert (status, answer["field"]) == (400, "message")


async def test_a_chunked_body_is_read_one_byte_past_the_limit_and_no_further() -> None:
    stream = StreamReader(mock.Mock(_reading_paused=False), 2**16)
    stream.feed_data(b"x" * (3 * API_MAX_BODY))
    stream.feed_eof()
    request = make_mocked_request("POST", "/api/v1/leads", payload=stream)
    with pytest.raises(Refused) as refused:
        await read_limited(request)
    assert refused.value.status == 413
    assert len(await stream.read()) == 3 * API_MAX_BODY - (API_MAX_BODY + 1)


async def test_the_application_takes_bodies_up_to_1_mib_for_its_other_routes(tg: Harness) -> None:
    async def probe(request: web.Request) -> web.Response:
        return web.json_response(len(await request.read()))

    web_app = create_http_app(tg.app)
    web_app.router.add_post("/probe", probe)
    async with TestClient(TestServer(web_app)) as client:
        largest = await client.post("/probe", data=b"x" * APP_MAX_BODY)
        assert (largest.status, await largest.json()) == (200, APP_MAX_BODY)
        over = await client.post("/probe", data=b"x" * (APP_MAX_BODY + 1))
        assert over.status == 413


@pytest.mark.parametrize("depth", [10_000, 30_000])
async def test_json_nested_too_deep_to_read_is_a_bad_body(api: Api, depth: int) -> None:
    body = '{"name": ' + "[" * depth + "]" * depth + "}"
    status, answer = await api.post_raw("/api/v1/leads", body.encode())
    assert (status, answer["error"], answer["field"]) == (400, "invalid", "body")
    assert (await api.written())["Deal"] == 0
