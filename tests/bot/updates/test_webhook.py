"""Webhook mode: an update is kept before it is answered 200, then handled; one posted again
changes nothing; one whose handling is cut short is handled later."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import AnswerInlineQuery, SendMessage
from aiogram.types import Update
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr
from sqlalchemy import select

from bot.http.server import create_http_app
from bot.updates.webhook import register_webhook
from services import inbox
from services.clock import ManualClock
from services.db.deals import Message
from services.db.inbox import InboxUpdate
from services.db.outbox import Outbox
from tests.support.harness import Harness

HOOK = "https://crm.example.com/telegram/hook"
SECRET = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
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
REQUEST = {**UPDATE, "message": {**UPDATE["message"], "text": "A grey sofa, please"}}


def inline_query(update_id: int, query_id: str) -> dict[str, Any]:
    """Leyla types `@bot lam`."""
    leyla = {"id": 100, "is_bot": False, "first_name": "Leyla", "language_code": "en"}
    asked = {"id": query_id, "from": leyla, "query": "lam", "offset": ""}
    return {"update_id": update_id, "inline_query": asked}


@pytest.fixture
async def hook(tg: Harness) -> AsyncIterator[TestClient[Any, Any]]:
    tg.app.settings = tg.app.settings.model_copy(
        update={"webhook_url": HOOK, "webhook_secret": SecretStr("s3cret-token")}
    )
    async with TestClient(TestServer(create_http_app(tg.app))) as client:
        yield client


async def stored(tg: Harness) -> tuple[list[str], list[str]]:
    async with tg.app.sessions() as session:
        texts = list(await session.scalars(select(Message.text)))
        kinds = list(await session.scalars(select(Outbox.kind).order_by(Outbox.id)))
    return texts, kinds


async def test_the_webhook_is_set_for_the_updates_the_bot_uses(tg: Harness) -> None:
    allowed = tg.app.dispatcher.resolve_used_update_types()
    await register_webhook(tg.app.bot, HOOK, SecretStr("s3cret-token"), allowed)
    [set_hook] = tg.recorder.calls
    assert set_hook.url == HOOK
    assert set_hook.secret_token == "s3cret-token"
    assert "message" in set_hook.allowed_updates and "callback_query" in set_hook.allowed_updates


async def test_updates_are_taken_with_the_secret_only(
    tg: Harness, hook: TestClient[Any, Any]
) -> None:
    # The webhook shares the aiohttp application with the HTTP API and /healthz.
    assert (await hook.get("/healthz")).status == 200
    assert (await hook.post("/telegram/hook", json=UPDATE)).status == 401
    wrong = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-tokeN"}
    assert (await hook.post("/telegram/hook", json=UPDATE, headers=wrong)).status == 401
    assert (await hook.post("/telegram/hook", json=UPDATE, headers=SECRET)).status == 200
    await tg.app.inbox.idle()
    greeting = tg.recorder.calls[-1]
    assert isinstance(greeting, SendMessage)
    assert (greeting.chat_id, greeting.text.split("!")[0]) == (100, "Hello, Leyla")


async def test_what_is_no_update_is_refused(tg: Harness, hook: TestClient[Any, Any]) -> None:
    broken = await hook.post("/telegram/hook", data=b"{not json", headers=SECRET)
    wrong = await hook.post("/telegram/hook", json={"message": "hi"}, headers=SECRET)
    deep = await hook.post("/telegram/hook", data=b"[" * 100_000, headers=SECRET)
    assert (broken.status, wrong.status, deep.status) == (400, 400, 400)
    async with tg.app.sessions() as session:
        assert list(await session.scalars(select(InboxUpdate))) == []


async def test_an_update_larger_than_the_apis_limit_is_taken(
    tg: Harness, hook: TestClient[Any, Any]
) -> None:
    """Telegram's updates may carry a quoted message, entities and more: the webhook takes
    what aiogram's own webhook server takes, well past the HTTP API's 64 KiB."""
    quoted = {**REQUEST["message"], "message_id": 4, "text": "ş" * 4096}
    entities = [{"type": "bold", "offset": i, "length": 1} for i in range(4096)]
    large = {**REQUEST, "message": {**REQUEST["message"], "reply_to_message": quoted}}
    large["message"]["entities"] = entities
    body = json.dumps(large).encode()
    assert len(body) > 64 * 1024
    answer = await hook.post("/telegram/hook", data=body, headers=SECRET)
    assert answer.status == 200
    await tg.app.inbox.idle()
    assert (await stored(tg))[0] == ["A grey sofa, please"]


async def test_an_update_posted_again_changes_nothing(
    tg: Harness, hook: TestClient[Any, Any]
) -> None:
    for _ in range(3):
        assert (await hook.post("/telegram/hook", json=REQUEST, headers=SECRET)).status == 200
        await tg.app.inbox.idle()
    assert await stored(tg) == (["A grey sofa, please"], ["confirmation", "deal_card"])


async def test_an_update_whose_handling_was_cut_short_is_handled_later(
    tg: Harness, hook: TestClient[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Telegram gets its 200 once the update is kept; the database or Telegram being gone for
    a moment leaves it in the inbox, handled once this worker's hold on it has run out."""
    real = tg.app.dispatcher.feed_update

    async def unreachable(*args: Any, **kwargs: Any) -> Any:
        raise TelegramNetworkError(SendMessage(chat_id=100, text=""), "connection reset")

    monkeypatch.setattr(tg.app.dispatcher, "feed_update", unreachable)
    assert (await hook.post("/telegram/hook", json=REQUEST, headers=SECRET)).status == 200
    await tg.app.inbox.idle()
    assert await stored(tg) == ([], [])
    monkeypatch.setattr(tg.app.dispatcher, "feed_update", real)
    assert await tg.app.inbox.pick_up() == 0  # still held by this worker
    clock = tg.app.clock
    assert isinstance(clock, ManualClock)
    clock.advance(tg.app.settings.inbox_lease + timedelta(seconds=1))
    assert await tg.app.inbox.pick_up() == 1
    await tg.app.inbox.idle()
    assert await stored(tg) == (["A grey sofa, please"], ["confirmation", "deal_card"])
    async with tg.app.sessions() as session:
        [row] = await session.scalars(select(InboxUpdate))
    assert (row.handled_at, row.attempts) == (clock.now(), 2)


async def test_an_inline_query_is_answered_at_once_and_never_kept(
    tg: Harness, hook: TestClient[Any, Any]
) -> None:
    """Answered while the user types, with no commit in its way; nothing of it is kept, so a
    crash forgets it, as Telegram forgets an old query. Updates of other kinds are kept as
    before."""
    query = inline_query(7, "q1")
    assert (await hook.post("/telegram/hook", json=query, headers=SECRET)).status == 200
    await tg.app.inbox.idle()
    [answer] = tg.recorder.calls
    assert isinstance(answer, AnswerInlineQuery)
    assert (answer.inline_query_id, answer.results) == ("q1", [])
    async with tg.app.sessions() as session:
        assert list(await session.scalars(select(InboxUpdate.update_id))) == []
    assert (await hook.post("/telegram/hook", json=REQUEST, headers=SECRET)).status == 200
    await tg.app.inbox.idle()
    async with tg.app.sessions() as session:
        assert list(await session.scalars(select(InboxUpdate.update_id))) == [1]


async def test_an_inline_query_in_a_batch_not_kept_is_answered_when_it_comes_again(
    tg: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Polling asks again for a batch it could not keep: its inline query is answered then,
    once, rather than at once and again."""
    query = Update.model_validate(inline_query(8, "q2"))
    batch = [Update.model_validate(REQUEST), query]
    real = inbox.store

    async def gone(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionRefusedError("the database is gone for a moment")

    monkeypatch.setattr(inbox, "store", gone)
    with pytest.raises(ConnectionRefusedError):
        await tg.app.inbox.receive(batch)
    await tg.app.inbox.idle()
    assert tg.recorder.calls == []
    monkeypatch.setattr(inbox, "store", real)
    await tg.app.inbox.receive(batch)
    await tg.app.inbox.idle()
    answers = [c for c in tg.recorder.calls if isinstance(c, AnswerInlineQuery)]
    assert [a.inline_query_id for a in answers] == ["q2"]
    assert (await stored(tg))[0] == ["A grey sofa, please"]


async def test_a_stopping_bot_answers_no_new_inline_query(tg: Harness) -> None:
    query = Update.model_validate(inline_query(9, "q3"))
    await tg.app.inbox.close(0)
    await tg.app.inbox.receive([query])
    await tg.app.inbox.idle()
    assert tg.recorder.calls == []
