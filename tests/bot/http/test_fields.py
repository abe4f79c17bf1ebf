"""PUT /api/v1/deals/{id}/fields and the fields of a website lead."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bot.http.openapi import document
from services.db.deals import Event
from services.db.fields import FieldDef, FieldValue
from tests.support.api import LEAD, Api
from tests.support.deals import make_manager

PATH = "/api/v1/deals/1/fields"


async def define(api: Api) -> None:
    now = datetime(2026, 3, 2, tzinfo=UTC)
    async with api.tg.app.sessions() as session:
        for position, (entity, key, kind, choices) in enumerate(
            (
                ("deal", "prepayment", "money", []),
                ("deal", "delivery_date", "date", []),
                ("deal", "payment", "choice", [{"key": "cash", "names": {"en": "Cash"}}]),
                ("customer", "vip", "yes_no", []),
            )
        ):
            session.add(
                FieldDef(
                    entity=entity,
                    key=key,
                    kind=kind,
                    names={"en": key},
                    choices=choices,
                    position=position,
                    active=True,
                    created_at=now,
                )
            )
        await session.commit()


async def put(api: Api, path: str, body: Any, auth: bool = True) -> tuple[int, Any]:
    headers = api.auth if auth else {}
    response = await api.client.put(path, json=body, headers=headers)
    return response.status, await response.json()


async def test_fields_are_set_cleared_and_a_repeat_changes_nothing(api: Api) -> None:
    await define(api)
    await make_manager(api.tg)
    assert (await api.post("/api/v1/leads", LEAD))[0] == 201
    body = {"prepayment": 150.5, "delivery_date": "2026-12-31", "payment": "cash", "vip": True}
    status, answer = await put(api, PATH, body)
    assert status == 200
    assert answer == {
        "deal_id": 1,
        "fields": {
            "prepayment": "150.50",
            "delivery_date": "2026-12-31",
            "payment": "cash",
            "vip": True,
        },
    }
    events = await api.count(Event)
    assert (await put(api, PATH, body)) == (200, answer)
    assert await api.count(Event) == events
    status, answer = await put(api, PATH, {"prepayment": None, "vip": False})
    assert answer["fields"] == {"delivery_date": "2026-12-31", "payment": "cash", "vip": False}
    async with api.tg.app.sessions() as session:
        rows = {
            (v.entity, v.object_id, v.value) for v in await session.scalars(select(FieldValue))
        }
    assert rows == {("deal", 1, "2026-12-31"), ("deal", 1, "cash"), ("customer", 1, "no")}


async def test_refusals_name_the_key(api: Api) -> None:
    await define(api)
    await make_manager(api.tg)
    await api.post("/api/v1/leads", LEAD)
    for body, key in (
        ({"unknown": 1}, "unknown"),
        ({"prepayment": "12,5"}, "prepayment"),
        ({"prepayment": -1}, "prepayment"),
        ({"delivery_date": "31.12.2026"}, "delivery_date"),
        ({"payment": "card"}, "payment"),
        ({"vip": "yes"}, "vip"),
        ({"vip": True, "payment": "card"}, "payment"),
    ):
        status, answer = await put(api, PATH, body)
        assert (status, answer["field"]) == (400, key), body
        assert answer["error"] == "invalid"
    assert await api.count(FieldValue) == 0
    assert (await put(api, PATH, {"vip": True}, auth=False))[0] == 401
    assert (await put(api, "/api/v1/deals/7/fields", {"vip": True}))[0] == 404
    assert (await put(api, "/api/v1/deals/x/fields", {"vip": True}))[0] == 404


async def test_a_lead_brings_its_deal_fields(api: Api) -> None:
    await define(api)
    await make_manager(api.tg)
    bad = {**LEAD, "fields": {"vip": True}}
    status, answer = await api.post("/api/v1/leads", bad)
    assert (status, answer["field"]) == (400, "fields.vip")
    assert await api.count(FieldValue) == 0
    status, _ = await api.post("/api/v1/leads", {**LEAD, "fields": {"prepayment": "99"}})
    assert status == 201
    async with api.tg.app.sessions() as session:
        value = (await session.scalars(select(FieldValue))).one()
    assert (value.entity, value.object_id, value.value) == ("deal", 1, "99.00")


def test_the_document_describes_the_fields_endpoint() -> None:
    spec = document()
    operation = spec["paths"]["/api/v1/deals/{deal_id}/fields"]["put"]
    assert set(operation["responses"]) == {"200", "400", "401", "404", "413", "503"}
    body = spec["components"]["schemas"]["FieldsIn"]
    assert body["additionalProperties"]["anyOf"][-1] == {"type": "null"}
