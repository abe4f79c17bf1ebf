"""A deal id in a path is plain ASCII digits within the ids the database stores; anything else
names no deal."""

from __future__ import annotations

from services.ids import MAX_ID
from tests.support.api import CONTRACT, LEAD, Api

NO_DEAL = [
    str(MAX_ID),
    str(MAX_ID + 1),
    str(2**63),
    "9" * 40,
    "0",
    "-1",
    "+1",
    "1.0",
    "1e3",
    "٣",  # an Arabic-Indic three, which int() reads as 3
    "³",
    "%201",
    "0x1",
    "%00",
    "%ED%A0%80",
]


async def test_an_id_that_names_no_deal_is_not_found(api: Api) -> None:
    for external_id in ("a", "b", "c"):
        assert (await api.post("/api/v1/leads", {**LEAD, "external_id": external_id}))[0] == 201
    before = await api.written()
    for deal_id in NO_DEAL:
        status, answer = await api.post(f"/api/v1/deals/{deal_id}/contract", CONTRACT)
        assert (status, answer["error"]) == (404, "not_found"), deal_id
    assert await api.written() == before


async def test_leading_zeros_still_name_the_deal(api: Api) -> None:
    assert (await api.post("/api/v1/leads", LEAD))[0] == 201
    status, answer = await api.post("/api/v1/deals/001/contract", CONTRACT)
    assert (status, answer["deal_id"], answer["number"]) == (200, 1, "A-17")
