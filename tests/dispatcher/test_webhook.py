from __future__ import annotations

from typing import Any

import pytest
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import SendMessage
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr
from sqlalchemy import select

from bot.http.server import create_http_app
from bot.webhook import register_webhook
from services.db.models import Message, Outbox
from tests.harness import Harness

UPDATE = {
    "update_id": 1,
    "message": {
        "message_id": 5,
        "date": 1767000000,
        "chat": {"id": 100, "type": "private", "first_name": "Leyla"},
        "from": {"id": 100, "is_bot": False, "first_name": "Leyla", "language_code": "en"},
        "text": "/start",
    },
}


def use_webhook(tg: Harness) -> None:
    tg.app.settings = tg.app.settings.model_copy(
        update={
            "webhook_url": "https://crm.example.com/telegram/hook",
            "webhook_secret": SecretStr("s3cret-token"),
        }
    )


async def test_webhook_takes_updates_with_the_secret_only(tg: Harness) -> None:
    use_webhook(tg)
    await register_webhook(tg.app)
    [set_hook] = tg.recorder.calls
    assert set_hook.url == "https://crm.example.com/telegram/hook"
    assert set_hook.secret_token == "s3cret-token"
    assert "message" in set_hook.allowed_updates and "callback_query" in set_hook.allowed_updates

    # The webhook shares the aiohttp application with the HTTP API and /healthz.
    async with TestClient(TestServer(create_http_app(tg.app))) as client:
        assert (await client.get("/healthz")).status == 200
        refused = await client.post("/telegram/hook", json=UPDATE)
        assert refused.status == 401
        accepted = await client.post(
            "/telegram/hook",
            json=UPDATE,
            headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"},
        )
        assert accepted.status == 200
    greeting = tg.recorder.calls[-1]
    assert isinstance(greeting, SendMessage)
    assert (greeting.chat_id, greeting.text.split("!")[0]) == (100, "Hello, Leyla")


async def test_an_update_that_fails_is_answered_so_telegram_does_not_repeat_it(
    tg: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The request is stored and queued for the manager before the confirmation fails to go
    out; posting the update again would store it twice."""
    use_webhook(tg)

    async def unreachable(*args: Any, **kwargs: Any) -> Any:
        raise TelegramNetworkError(SendMessage(chat_id=100, text=""), "connection reset")

    monkeypatch.setattr(tg.recorder, "make_request", unreachable)
    request = {**UPDATE, "message": {**UPDATE["message"], "text": "A grey sofa, please"}}
    async with TestClient(TestServer(create_http_app(tg.app))) as client:
        answer = await client.post(
            "/telegram/hook",
            json=request,
            headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"},
        )
        assert answer.status == 200
    async with tg.app.sessions() as session:
        texts = list(await session.scalars(select(Message.text)))
        cards = list(await session.scalars(select(Outbox.kind)))
    assert texts == ["A grey sofa, please"]
    assert cards == ["deal_card"]
