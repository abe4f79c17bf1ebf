"""setWebhook, deleteWebhook and getWebhookInfo, and updates pushed to the webhook."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramConflictError
from aiohttp import web
from aiohttp.test_utils import TestServer

from emulator import Emulator
from emulator.updates import KEPT_FOR
from tests.support.emulator import WALL_START, FakeClock, RawApi
from tests.support.tls import self_signed

HOOK = "https://crm.example.test/telegram/hook"


@dataclass
class Receiver:
    """A bot's webhook endpoint that refuses the first `failures` posts, and every post of the
    text `refusing`, with 500."""

    failures: int = 0
    refusing: str | None = None
    posts: list[tuple[str | None, dict[str, Any]]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        update = await request.json()
        self.posts.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), update))
        if len(self.posts) <= self.failures or update["message"]["text"] == self.refusing:
            return web.Response(status=500)
        return web.json_response({})

    def texts(self) -> list[str]:
        return [update["message"]["text"] for _, update in self.posts]


@pytest.fixture
async def receiver(emulator: Emulator) -> AsyncIterator[Receiver]:
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/telegram/hook", receiver.handle)
    async with TestServer(app, host="127.0.0.1") as server:
        emulator.webhook.route("https://crm.example.test", str(server.make_url("")))
        yield receiver


async def test_updates_are_posted_in_order_and_a_refused_one_again(
    bot: Bot, emulator: Emulator, receiver: Receiver
) -> None:
    receiver.failures = 1
    assert await bot.set_webhook(HOOK, secret_token="s3cret")
    user = emulator.user(101, "Ann")
    for text in ("one", "two", "three"):
        user.send_text(text)
    await emulator.wait_for(lambda: not emulator.updates.pending and len(receiver.posts) == 4)
    assert receiver.texts() == ["one", "one", "two", "three"]
    assert {secret for secret, _ in receiver.posts} == {"s3cret"}
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count, info.max_connections) == (HOOK, 0, 40)
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    assert info.last_error_date is not None
    assert info.last_error_date.timestamp() == WALL_START


async def test_a_proxy_with_its_own_certificate_is_posted_to_once_it_is_trusted(
    bot: Bot, emulator: Emulator, receiver: Receiver, tmp_path: Path
) -> None:
    certificate = self_signed(tmp_path, "crm.example.test")
    app = web.Application()
    app.router.add_post("/telegram/hook", receiver.handle)
    proxy = TestServer(app, host="127.0.0.1")
    await proxy.start_server(ssl=certificate.server_context())
    async with proxy:
        local = str(proxy.make_url(""))
        assert local.startswith("https://127.0.0.1:")
        emulator.webhook.route("https://crm.example.test", local)
        assert await bot.set_webhook(HOOK)
        emulator.user(101, "Ann").send_text("hello")
        await emulator.wait_for(lambda: emulator.webhook.last_error)
        assert (await bot.get_webhook_info()).last_error_message == (
            "SSL error {error:0A000086:SSL routines::certificate verify failed}"
        )
        assert receiver.posts == []
        emulator.webhook.route("https://crm.example.test", local, certificate.trust())
        await emulator.wait_for(lambda: not emulator.updates.pending)
    assert receiver.texts() == ["hello"]


async def test_getupdates_is_refused_while_a_webhook_is_set(bot: Bot, emulator: Emulator) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await emulator.wait_for(lambda: emulator.updates.poll_generation == 1)
    assert await bot.set_webhook(HOOK)
    with pytest.raises(TelegramConflictError, match="terminated by setWebhook request"):
        await asyncio.wait_for(poll, 5)
    with pytest.raises(TelegramConflictError) as refused:
        await bot.get_updates()
    assert refused.value.message == (
        "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first"
    )


async def test_after_deletewebhook_getupdates_gets_what_was_not_delivered(
    bot: Bot, emulator: Emulator
) -> None:
    # Nothing is routed to this host, so nothing can be delivered.
    assert await bot.set_webhook("https://unreachable.example.test/hook")
    emulator.user(101, "Ann").send_text("hello")
    await emulator.wait_for(lambda: emulator.webhook.last_error)
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 1
    assert info.last_error_message == "Failed to resolve host: Name or service not known"
    assert await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""
    assert [u.message.text for u in await bot.get_updates()] == ["hello"]  # type: ignore[union-attr]


async def test_dropping_pending_updates(bot: Bot, emulator: Emulator) -> None:
    emulator.user(101, "Ann").send_text("stale")
    assert await bot.set_webhook("https://unreachable.example.test/hook")
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://crm.example.test/hook", "An HTTPS URL must be provided for webhook"),
        ("https://crm.example.test:8080/hook", "Webhook can be set up only on ports 80, 88, 443"),
    ],
)
async def test_webhook_url_must_be_https_on_a_telegram_port(
    bot: Bot, url: str, reason: str
) -> None:
    with pytest.raises(TelegramBadRequest, match=reason):
        await bot.set_webhook(url)
    assert (await bot.get_webhook_info()).url == ""


async def test_descriptions_say_what_changed_and_an_empty_url_deletes(raw: RawApi) -> None:
    async def set_webhook(url: str) -> str:
        status, body = await raw.call("setWebhook", json={"url": url})
        assert (status, body["ok"]) == (200, True)
        return str(body["description"])

    assert await set_webhook(HOOK) == "Webhook was set"
    assert await set_webhook(HOOK) == "Webhook is already set"
    assert await set_webhook("") == "Webhook was deleted"
    assert await set_webhook("") == "Webhook is already deleted"


@dataclass
class Gate:
    """A webhook endpoint that holds every post until opened, noting which are in flight."""

    emulator: Emulator
    opened: asyncio.Event = field(default_factory=asyncio.Event)
    going: list[str] = field(default_factory=list)
    most: int = 0
    taken: list[str] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        text = (await request.json())["message"]["text"]
        self.going.append(text)
        self.most = max(self.most, len(self.going))
        self.emulator.changes.notify()
        await self.opened.wait()
        self.going.remove(text)
        self.taken.append(text)
        return web.json_response({})


async def test_up_to_max_connections_go_at_once_and_one_chat_waits_its_turn(
    bot: Bot, emulator: Emulator
) -> None:
    gate = Gate(emulator)
    app = web.Application()
    app.router.add_post("/telegram/hook", gate.handle)
    async with TestServer(app, host="127.0.0.1") as server:
        emulator.webhook.route("https://crm.example.test", str(server.make_url("")))
        assert await bot.set_webhook(HOOK, max_connections=2)
        ann, bob, cem = (
            emulator.user(i, name) for i, name in ((1, "Ann"), (2, "Bob"), (3, "Cem"))
        )
        for text in ("a1", "a2"):
            ann.send_text(text)
        for user, text in ((bob, "b1"), (cem, "c1"), (bob, "b2")):
            user.send_text(text)
        await emulator.wait_for(lambda: len(gate.going) == 2)
        # Ann's second waits for her first, though it came before Bob's.
        assert sorted(gate.going) == ["a1", "b1"]
        gate.opened.set()
        await emulator.wait_for(lambda: not emulator.updates.pending and len(gate.taken) == 5)
    assert gate.most == 2
    assert [t for t in gate.taken if t[0] == "a"] == ["a1", "a2"]
    assert [t for t in gate.taken if t[0] == "b"] == ["b1", "b2"]


async def test_an_update_refused_for_a_day_is_dropped_and_the_next_goes(
    bot: Bot, emulator: Emulator, receiver: Receiver, clock: FakeClock
) -> None:
    receiver.refusing = "one"
    assert await bot.set_webhook(HOOK)
    user = emulator.user(101, "Ann")
    user.send_text("one")
    await emulator.wait_for(lambda: len(receiver.posts) == 2)
    clock.advance(60)
    user.send_text("two")
    assert (await bot.get_webhook_info()).pending_update_count == 2
    clock.advance(KEPT_FOR - 30)
    await emulator.wait_for(lambda: not emulator.updates.pending)
    # "one" was refused until it was a day old, then dropped; "two", a minute younger, went
    # after it, once.
    texts = receiver.texts()
    assert texts[-1] == "two" and texts.count("two") == 1 and texts.count("one") >= 2
    assert (await bot.get_webhook_info()).pending_update_count == 0
