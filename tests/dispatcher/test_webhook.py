from __future__ import annotations

from aiogram.methods import SendMessage
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bot.http.server import create_http_app
from bot.webhook import register_webhook
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


async def test_webhook_takes_updates_with_the_secret_only(tg: Harness) -> None:
    tg.app.settings = tg.app.settings.model_copy(
        update={
            "webhook_url": "https://crm.example.com/telegram/hook",
            "webhook_secret": SecretStr("s3cret-token"),
        }
    )
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
