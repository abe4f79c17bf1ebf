"""The HTTP API over aiohttp's test client: every error code, idempotency, the OpenAPI
document, missed and answered calls, website leads and contracts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.http.api import ENDPOINTS
from bot.http.openapi import document
from bot.http.server import create_http_app
from services import api_tokens
from services.db.api_access import ApiRequest
from services.db.customers import Customer
from services.db.deals import Deal, Message
from services.db.tasks import Task
from services.ids import MAX_ID
from tests.support.api import LEAD
from tests.support.deals import make_manager
from tests.support.harness import Harness

ANNA = 200


@pytest.fixture
async def api(tg: Harness) -> AsyncIterator[tuple[TestClient[Any, Any], dict[str, str]]]:
    async with tg.app.sessions() as session:
        token = await api_tokens.create(session, None, "website", tg.app.clock.now())
    async with TestClient(TestServer(create_http_app(tg.app))) as client:
        yield client, {"Authorization": f"Bearer {token.secret}"}


async def count(tg: Harness, model: Any) -> int:
    async with tg.app.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_healthz_and_openapi_need_no_token(
    tg: Harness, api: tuple[TestClient[Any, Any], dict[str, str]]
) -> None:
    client, _auth = api
    health = await client.get("/healthz")
    assert (health.status, await health.json()) == (200, {"status": "ok", "database": "ok"})
    spec = await client.get("/api/v1/openapi.json")
    assert spec.status == 200
    assert await spec.json() == document()


def test_openapi_describes_exactly_what_the_handlers_validate() -> None:
    spec = document()
    schemas = spec["components"]["schemas"]
    for endpoint in ENDPOINTS:
        operation = spec["paths"][endpoint.path][endpoint.method.lower()]
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        name = ref.rsplit("/", 1)[1]
        assert name == endpoint.body.__name__
        assert schemas[name] == endpoint.body.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        assert set(operation["responses"]) == {str(s) for s in endpoint.answers}
        assert {"400", "401", "413", "503"} <= set(operation["responses"])
    assert set(spec["paths"]) == {
        "/healthz",
        "/api/v1/leads",
        "/api/v1/calls",
        "/api/v1/deals/{deal_id}/contract",
        "/api/v1/deals/{deal_id}/fields",
        "/api/v1/payments",
    }
    [deal_id] = spec["paths"]["/api/v1/deals/{deal_id}/contract"]["post"]["parameters"]
    assert (deal_id["schema"]["minimum"], deal_id["schema"]["maximum"]) == (1, MAX_ID)
    assert "unavailable" in schemas["Problem"]["properties"]["error"]["enum"]
    lead = schemas["LeadIn"]
    assert lead["required"] == ["external_id"]
    assert lead["additionalProperties"] is False
    assert schemas["CallIn"]["properties"]["status"]["enum"] == [
        "missed",
        "answered",
        "busy",
        "failed",
    ]


async def test_every_refusal_has_its_code_and_changes_nothing(
    tg: Harness, api: tuple[TestClient[Any, Any], dict[str, str]]
) -> None:
    client, auth = api
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}):
        refused = await client.post("/api/v1/leads", json=LEAD, headers=headers)
        assert refused.status == 401
        assert refused.headers["WWW-Authenticate"] == "Bearer"
        assert (await refused.json())["error"] == "unauthorized"

    cases: list[tuple[Any, str]] = [
        ({**LEAD, "phone": "12"}, "phone"),
        ({**LEAD, "email": "not-an-email"}, "email"),
        ({key: v for key, v in LEAD.items() if key != "external_id"}, "external_id"),
        ({**LEAD, "colour": "red"}, "colour"),
        ({**LEAD, "phone": None, "email": None}, "phone"),
        ([1, 2], "body"),
    ]
    for body, field in cases:
        bad = await client.post("/api/v1/leads", json=body, headers=auth)
        assert bad.status == 400, body
        answer = await bad.json()
        assert (answer["error"], answer["field"]) == ("invalid", field), body
    not_json = await client.post("/api/v1/leads", data=b"{oops", headers=auth)
    assert (not_json.status, (await not_json.json())["field"]) == (400, "body")
    bad_call = await client.post(
        "/api/v1/calls",
        json={
            "phone": "+994501234567",
            "status": "ringing",
            "direction": "in",
            "external_id": "c",
        },
        headers=auth,
    )
    assert (bad_call.status, (await bad_call.json())["field"]) == (400, "status")
    naive = await client.post(
        "/api/v1/calls",
        json={
            "phone": "+994501234567",
            "status": "missed",
            "direction": "in",
            "external_id": "c",
            "occurred_at": "2026-03-02T08:00:00",
        },
        headers=auth,
    )
    assert (naive.status, (await naive.json())["field"]) == (400, "occurred_at")

    huge = {**LEAD, "message": "x" * (64 * 1024)}
    too_large = await client.post("/api/v1/leads", json=huge, headers=auth)
    assert (too_large.status, (await too_large.json())["error"]) == (413, "too_large")
    missing = await client.post(
        "/api/v1/deals/99/contract",
        json={"number": "A", "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
        headers=auth,
    )
    assert (missing.status, (await missing.json())["error"]) == (404, "not_found")
    assert await count(tg, Deal) == 0
    assert await count(tg, ApiRequest) == 0


async def test_a_lead_becomes_an_assigned_deal_once(
    tg: Harness, api: tuple[TestClient[Any, Any], dict[str, str]]
) -> None:
    client, auth = api
    await make_manager(tg, ANNA, "Anna")
    first = await client.post("/api/v1/leads", json=LEAD, headers=auth)
    assert first.status == 201
    body = await first.json()
    assert body == {"deal_id": 1, "customer_id": 1, "assigned": True, "duplicate": False}
    again = await client.post("/api/v1/leads", json={**LEAD, "name": "Other"}, headers=auth)
    assert (again.status, await again.json()) == (200, {**body, "duplicate": True})
    assert await count(tg, Deal) == 1

    [card] = await tg.deliver()
    assert card.chat_id == ANNA
    assert "+994 50 123 45 67" in card.text and "20 chairs, please" in card.text
    async with tg.app.sessions() as session:
        deal = await session.get_one(Deal, 1)
        customer = await session.get_one(Customer, 1)
        texts = list(await session.scalars(select(Message.text)))
    assert (deal.source, customer.phone, customer.user_id) == ("web", "+994501234567", None)
    assert texts == ["20 chairs, please"]


async def test_missed_calls_add_up_to_one_call_back_and_an_answer_closes_it(
    tg: Harness, api: tuple[TestClient[Any, Any], dict[str, str]]
) -> None:
    client, auth = api
    await make_manager(tg, ANNA, "Anna")

    def call(external_id: str, status: str = "missed", phone: str = "050 123 45 67") -> Any:
        body = {"phone": phone, "status": status, "direction": "in", "external_id": external_id}
        return client.post("/api/v1/calls", json=body, headers=auth)

    first = await call("c1")
    assert (first.status, await first.json()) == (
        201,
        {"action": "callback_task", "deal_id": 1, "task_id": 1, "duplicate": False},
    )
    card, notice = await tg.deliver()
    assert card.chat_id == notice.chat_id == ANNA
    assert notice.text == (
        "📞 Missed call from +994 50 123 45 67 · request #1\nCall back by Mar 2, 2026, 15:00."
    )
    assert (await call("c1")).status == 200  # the same call again: nothing new
    tg.app.clock.advance(timedelta(minutes=30))  # type: ignore[attr-defined]
    second = await call("c2", phone="+994501234567")
    assert (await second.json())["task_id"] == 1
    [again] = await tg.deliver()
    assert again.text.endswith("\n2 missed calls")
    async with tg.app.sessions() as session:
        task = (await session.scalars(select(Task))).one()
    assert (task.kind, task.calls, task.due_at) == (
        "callback",
        2,
        tg.app.clock.now() + timedelta(hours=1, minutes=30),
    )  # type: ignore[attr-defined]

    answered = await call("c3", status="answered")
    assert (await answered.json())["action"] == "callback_closed"
    async with tg.app.sessions() as session:
        assert (await session.get_one(Task, 1)).done_at is not None
    later = await call("c4")
    assert (await later.json())["task_id"] == 2  # a new call-back after the last was closed
    assert await count(tg, Deal) == 1
