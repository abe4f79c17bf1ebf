"""Text PostgreSQL cannot store, and bytes that are no text, are refused naming the field, with
nothing written."""

from __future__ import annotations

import asyncio

import pytest

from tests.support.api import CALL, CONTRACT, LEAD, Api
from tests.support.deals import make_manager

TEXT_FIELDS: list[tuple[str, dict[str, str], str]] = [
    ("/api/v1/leads", LEAD, "name"),
    ("/api/v1/leads", LEAD, "phone"),
    ("/api/v1/leads", LEAD, "email"),
    ("/api/v1/leads", LEAD, "message"),
    ("/api/v1/leads", LEAD, "source"),
    ("/api/v1/leads", LEAD, "external_id"),
    ("/api/v1/calls", CALL, "phone"),
    ("/api/v1/calls", CALL, "external_id"),
    ("/api/v1/deals/1/contract", CONTRACT, "number"),
]


@pytest.mark.parametrize("bad", ["\x00", "\ud800", "\udfff"], ids=["nul", "high", "low"])
async def test_text_that_cannot_be_stored_is_refused_naming_its_field(api: Api, bad: str) -> None:
    await make_manager(api.tg)
    assert (await api.post("/api/v1/leads", {**LEAD, "external_id": "first"}))[0] == 201
    before = await api.written()
    for path, valid, field in TEXT_FIELDS:
        value = valid[field]
        status, answer = await api.post(path, {**valid, field: value[:3] + bad + value[3:]})
        assert (status, answer["error"], answer["field"]) == (400, "invalid", field), path
    assert await api.written() == before


async def test_a_key_that_is_no_text_is_refused(api: Api) -> None:
    status, answer = await api.post("/api/v1/leads", {**LEAD, "\ud800": 1})
    assert (status, answer["field"]) == (400, "body")
    assert (await api.written())["Deal"] == 0


async def raw_request(api: Api, head: bytes) -> bytes:
    server = api.client.server
    reader, writer = await asyncio.open_connection(server.host, server.port)
    writer.write(head + b"Host: axin\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
    answer = await reader.read()
    writer.close()
    await writer.wait_closed()
    return answer


async def test_a_token_of_bytes_that_are_no_text_is_refused(api: Api) -> None:
    answer = await raw_request(
        api, b"POST /api/v1/leads HTTP/1.1\r\nAuthorization: Bearer \xff\r\n"
    )
    assert answer.startswith(b"HTTP/1.1 401 ")
    assert b'"error": "unauthorized"' in answer
