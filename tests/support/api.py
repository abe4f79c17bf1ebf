"""The HTTP API served by the real aiohttp application on the dispatcher harness: a client that
calls it with a token, what it wrote to the database, and the bodies most tests send."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from services.db.api_access import ApiRequest
from services.db.contracts import Contract
from services.db.customers import Customer
from services.db.deals import Deal, Event
from tests.support.harness import Harness

LEAD = {
    "name": "Leyla",
    "phone": "050 123 45 67",
    "email": "leyla@example.com",
    "message": "20 chairs, please",
    "source": "landing",
    "external_id": "form-1",
}
CALL = {"phone": "050 123 45 67", "status": "missed", "direction": "in", "external_id": "c-1"}
CONTRACT = {"number": "A-17", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}


@dataclass
class Api:
    tg: Harness
    client: TestClient[Any, Any]
    auth: dict[str, str]

    async def post(self, path: str, body: Any) -> tuple[int, Any]:
        response = await self.client.post(path, json=body, headers=self.auth)
        return response.status, await response.json()

    async def post_raw(self, path: str, data: Any) -> tuple[int, Any]:
        headers = {**self.auth, "Content-Type": "application/json"}
        response = await self.client.post(path, data=data, headers=headers)
        return response.status, await response.json()

    async def count(self, model: Any) -> int:
        async with self.tg.app.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(model)) or 0)

    async def written(self) -> dict[str, int]:
        """Rows of every table a request can write to."""
        tables = (Customer, Deal, Event, Contract, ApiRequest)
        return {model.__name__: await self.count(model) for model in tables}
