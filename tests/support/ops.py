"""The bot as an operator sees it: updates taken through its inbox, /metrics and /healthz over
aiohttp's test client, and a Bot API session that refuses chosen calls once."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Message, Update
from aiohttp.test_utils import TestClient
from prometheus_client.parser import text_string_to_metric_families

from tests.support.fakes import RecordingSession
from tests.support.harness import Harness

_update_ids = itertools.count(10_000)


class Refusing(RecordingSession):
    """Records every call; the first call of a method named in `refuse` raises its error."""

    def __init__(self) -> None:
        super().__init__()
        self.refuse: dict[str, Exception] = {}

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        error = self.refuse.pop(method.__api_method__, None)
        if error is not None:
            self.calls.append(method)
            raise error
        return await super().make_request(bot, method, timeout)


@dataclass
class Ops:
    tg: Harness
    client: TestClient[Any, Any]
    session: Refusing

    async def take(self, message: Message) -> int:
        """The message arrives as an update through the inbox and is handled; its id."""
        update = Update(update_id=next(_update_ids), message=message)
        await self.take_update(update)
        return update.update_id

    async def take_update(self, update: Update) -> None:
        await self.tg.app.inbox.receive([update])
        await self.tg.app.inbox.idle()

    async def metrics(self) -> dict[str, float]:
        """Every sample /metrics shows, as `name{label="value",…}`."""
        response = await self.client.get("/metrics")
        assert response.status == 200
        return samples(await response.text())


def samples(text: str) -> dict[str, float]:
    found: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
            found[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return found
