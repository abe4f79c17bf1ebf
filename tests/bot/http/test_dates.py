"""Dates and date-times are ISO 8601 strings; a number (which would read as seconds since
1970) or any other shape is refused naming the field."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from services.db.tasks import Task
from tests.support.api import CALL, CONTRACT, LEAD, Api

NOT_DATES: list[Any] = [
    0,
    1767225600,
    "1767225600",
    1.5,
    True,
    "20260101",
    "2026-01-01T00:00:00",
    "٢٠٢٦-01-01",
    "2026-02-30",
    ["2026-01-01"],
    {"date": "2026-01-01"},
]
NOT_DATE_TIMES: list[Any] = [
    0,
    1772442000,
    "1772442000",
    "2026-03-02",
    "2026-03-02T08:00:00",  # no zone
    "0001-01-01T00:00:00+05:00",  # before the first UTC moment
    "9999-12-31T23:59:59-05:00",  # after the last
    "yesterday",
]


async def test_a_contract_date_that_is_no_iso_date_is_refused(api: Api) -> None:
    assert (await api.post("/api/v1/leads", LEAD))[0] == 201
    before = await api.written()
    for field in ("starts_on", "ends_on"):
        for value in NOT_DATES:
            status, answer = await api.post("/api/v1/deals/1/contract", {**CONTRACT, field: value})
            assert (status, answer["error"], answer["field"]) == (400, "invalid", field), value
    assert await api.written() == before


async def test_a_call_time_that_is_no_iso_date_time_with_a_zone_is_refused(api: Api) -> None:
    for value in NOT_DATE_TIMES:
        status, answer = await api.post("/api/v1/calls", {**CALL, "occurred_at": value})
        assert (status, answer["error"], answer["field"]) == (400, "invalid", "occurred_at"), value
    assert (await api.written())["ApiRequest"] == 0


async def test_a_call_time_in_iso_8601_is_read(api: Api) -> None:
    for n, value in enumerate(["2026-03-02T08:00:00+04:00", "2026-03-02 04:00:00Z"]):
        call = {**CALL, "occurred_at": value, "phone": f"+99450123456{n}"}
        status, answer = await api.post("/api/v1/calls", {**call, "external_id": value})
        assert (status, answer["action"]) == (201, "callback_task")
        async with api.tg.app.sessions() as session:
            task = await session.get_one(Task, answer["task_id"])
        assert task.due_at == datetime(2026, 3, 2, 6, tzinfo=UTC), value  # two hours after
