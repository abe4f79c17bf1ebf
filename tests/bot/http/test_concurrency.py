"""Requests about one phone number at the same moment: one customer, every request answered.
SQLite takes its writers in turn; PostgreSQL runs them at once."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select

from services.db.contracts import Contract
from services.db.customers import Customer
from services.db.deals import Deal
from services.db.tasks import Task
from tests.support.api import CALL, CONTRACT, LEAD, Api
from tests.support.deals import make_manager

AT_ONCE = 20


async def together(api: Api, path: str, bodies: list[dict[str, Any]]) -> list[tuple[int, Any]]:
    return await asyncio.gather(*(api.post(path, body) for body in bodies))


async def customers(api: Api) -> list[tuple[int, str | None]]:
    async with api.tg.app.sessions() as session:
        rows = await session.execute(select(Customer.id, Customer.phone).order_by(Customer.id))
    return [(row.id, row.phone) for row in rows]


async def test_leads_with_one_new_number_make_one_customer(api: Api) -> None:
    await make_manager(api.tg)
    leads = [{**LEAD, "external_id": f"form-{n}"} for n in range(AT_ONCE)]
    answers = await together(api, "/api/v1/leads", leads)
    assert [status for status, _ in answers] == [201] * AT_ONCE
    [(customer_id, phone)] = await customers(api)
    assert phone == "+994501234567"
    assert {answer["customer_id"] for _, answer in answers} == {customer_id}
    assert len({answer["deal_id"] for _, answer in answers}) == AT_ONCE
    assert await api.count(Deal) == AT_ONCE


async def test_one_lead_sent_many_times_at_once_is_one_deal(api: Api) -> None:
    answers = await together(api, "/api/v1/leads", [LEAD] * AT_ONCE)
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * (AT_ONCE - 1) + [201]
    assert {answer["duplicate"] for status, answer in answers if status == 200} == {True}
    assert len({answer["deal_id"] for _, answer in answers}) == 1
    assert (await api.count(Customer), await api.count(Deal)) == (1, 1)


async def test_missed_calls_from_one_new_number_make_one_customer_and_one_call_back(
    api: Api,
) -> None:
    await make_manager(api.tg)
    calls = [{**CALL, "external_id": f"c-{n}"} for n in range(AT_ONCE)]
    answers = await together(api, "/api/v1/calls", calls)
    assert [status for status, _ in answers] == [201] * AT_ONCE
    assert len(await customers(api)) == 1
    assert {(answer["deal_id"], answer["task_id"]) for _, answer in answers} == {(1, 1)}
    async with api.tg.app.sessions() as session:
        [task] = await session.scalars(select(Task))
    assert task.calls == AT_ONCE


async def test_contracts_sent_for_one_deal_at_once_leave_one_contract(api: Api) -> None:
    assert (await api.post("/api/v1/leads", LEAD))[0] == 201
    contracts = [{**CONTRACT, "number": f"A-{n}"} for n in range(AT_ONCE)]
    answers = await together(api, "/api/v1/deals/1/contract", contracts)
    assert [status for status, _ in answers] == [200] * AT_ONCE
    assert {answer["contract_id"] for _, answer in answers} == {1}
    async with api.tg.app.sessions() as session:
        [contract] = await session.scalars(select(Contract))
    assert contract.number in {body["number"] for body in contracts}
