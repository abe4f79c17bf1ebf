"""POST /api/v1/payments: an accounting system posts a payment of a deal once; its manager and
customer are told."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from services.db.documents import Payment
from tests.support.api import Api
from tests.support.calls import sent_to
from tests.support.deals import ANNA, LEYLA
from tests.support.items import ten_glue

PATH = "/api/v1/payments"


async def stored(api: Api) -> list[tuple[int, Decimal, str, str | None]]:
    async with api.tg.app.sessions() as session:
        rows = await session.scalars(select(Payment).order_by(Payment.id))
        return [(p.deal_id, p.amount, p.method, p.external_id) for p in rows]


async def test_a_payment_is_recorded_once_and_told(api: Api) -> None:
    await ten_glue(api.tg)
    status, body = await api.post(PATH, {"deal_id": 1, "amount": "25.50", "external_id": "b-1"})
    assert status == 201
    assert body == {
        "payment_id": 1,
        "deal_id": 1,
        "amount": "25.50",
        "paid": "25.50",
        "owed": "44.50",
        "duplicate": False,
    }
    status, again = await api.post(PATH, {"deal_id": 1, "amount": 25.5, "external_id": "b-1"})
    assert (status, again["duplicate"], again["payment_id"]) == (200, True, 1)
    assert await stored(api) == [(1, Decimal("25.50"), "api", "api:b-1")]
    sent = await api.tg.deliver()
    assert [c.text.splitlines() for c in sent_to(sent, ANNA.id)] == [
        ["💳 AZN25.50 received for request #1.", "💳 Paid AZN25.50 · owed AZN44.50"]
    ]
    assert len(sent_to(sent, LEYLA.id)) == 1


async def test_a_bad_payment_changes_nothing(api: Api) -> None:
    await ten_glue(api.tg)
    await api.post(PATH, {"deal_id": 1, "amount": "10", "external_id": "b-1"})
    refused = [
        ({"deal_id": 1, "amount": "11", "external_id": "b-1"}, 409, "external_id"),
        ({"deal_id": 9, "amount": "10", "external_id": "b-2"}, 404, None),
        ({"deal_id": 1, "amount": "0", "external_id": "b-3"}, 400, "amount"),
        ({"deal_id": 1, "amount": "-5", "external_id": "b-4"}, 400, "amount"),
        ({"deal_id": 1, "amount": "1.005", "external_id": "b-5"}, 400, "amount"),
        ({"deal_id": 1, "amount": "10"}, 400, "external_id"),
    ]
    for body, status, field in refused:
        got, answer = await api.post(PATH, body)
        assert (got, answer.get("field")) == (status, field), body
    assert await stored(api) == [(1, Decimal("10.00"), "api", "api:b-1")]
