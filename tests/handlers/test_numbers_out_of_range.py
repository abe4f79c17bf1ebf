"""Numbers no row can have, typed or forged: answered like anything not found, never raised."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.http.server import create_http_app
from services import api_tokens
from services.db.contracts import Contract
from services.db.tasks import Task
from services.ids import MAX_ID
from tests.support.deals import ANNA, CARD, LEYLA, OLGA, new_deal
from tests.support.harness import Harness

NOTHING = "Nothing found for “{}”."


@pytest.mark.parametrize(
    "query",
    [
        "99999999999999999999999",
        "#99999999999999999999999",
        str(MAX_ID + 1),
        "#0",
        "0",
        "9" * 4000,
        "050 123 45 67 89 01 23 45 67",
    ],
)
async def test_find_with_a_number_no_request_can_have_finds_nothing(
    tg: Harness, query: str
) -> None:
    await new_deal(tg)
    [answer] = await tg.send(OLGA, f"/find {query}")
    assert answer.text == NOTHING.format(query)
    assert answer.reply_markup is None


async def test_find_by_number_still_finds_the_request(tg: Harness) -> None:
    await new_deal(tg)
    for query in ("1", "#1"):
        [answer] = await tg.send(OLGA, f"/find {query}")
        assert [line.split(" · ")[0] for line in answer.text.splitlines()[1:]] == ["#1"]
    [answer] = await tg.send(OLGA, f"/find {MAX_ID}")
    assert answer.text == NOTHING.format(MAX_ID)


async def test_find_by_the_number_given_with_a_request(tg: Harness) -> None:
    await new_deal(tg)
    await tg.send(LEYLA, "/new")
    await tg.send(LEYLA, "Another chair")
    await tg.send(LEYLA, "050 123 45 67")
    [answer] = await tg.send(OLGA, "/find 050 123 45 67")
    assert [line.split(" · ")[:3] for line in answer.text.splitlines()[1:]] == [
        ["#2", "Leyla", "+994 50 123 45 67"]
    ]


@pytest.mark.parametrize("typed", ["01.01.0001 00:00", "0001-01-01 00:00"])
async def test_a_reminder_before_the_first_year_is_not_understood(tg: Harness, typed: str) -> None:
    await new_deal(tg)
    await tg.press(ANNA, "rm:t:1:h1", message_id=CARD)
    [answer] = await tg.send(ANNA, typed)
    assert answer.text.startswith("I couldn't read that date and time.")
    async with tg.app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Task)) == 0


@pytest.mark.parametrize("deal_id", ["99999999999999999999999", str(MAX_ID + 1), "0", "-1"])
async def test_a_contract_for_a_request_number_out_of_range_is_not_found(
    tg: Harness, deal_id: str
) -> None:
    async with tg.app.sessions() as session:
        token = await api_tokens.create(session, None, "website", tg.app.clock.now())
    body: dict[str, Any] = {"number": "A", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}
    async with TestClient(TestServer(create_http_app(tg.app))) as client:
        answer = await client.post(
            f"/api/v1/deals/{deal_id}/contract",
            json=body,
            headers={"Authorization": f"Bearer {token.secret}"},
        )
        assert (answer.status, (await answer.json())["error"]) == (404, "not_found")
    async with tg.app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Contract)) == 0
