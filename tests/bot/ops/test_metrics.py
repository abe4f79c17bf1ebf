"""/metrics: what the bot did, counted where it happened, and the outbox read when scraped."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import SendMessage
from aiogram.types import Update
from aiohttp.test_utils import TestClient, TestServer

from bot.http.server import create_http_app
from bot.updates.inbox import payload_of
from services import inbox, outbox, outbox_claims
from services.db.engine import create_engine, session_factory
from tests.support.harness import person
from tests.support.ops import Ops, samples

LEYLA = person(100, "Leyla")
HANDLED = "axin_updates_handled_total"
BACKLOG, OLDEST = "axin_outbox_backlog", "axin_outbox_oldest_seconds"


async def test_updates_handled_their_time_and_the_outbox_they_leave(ops: Ops) -> None:
    before = await ops.metrics()
    assert (before[HANDLED], before[BACKLOG], before[OLDEST]) == (0, 0, 0)
    assert before["axin_update_handling_seconds_count"] == 0

    await ops.take(ops.tg.message(LEYLA, "A grey sofa, please"))
    after = await ops.metrics()
    assert after[HANDLED] == 1
    assert after["axin_update_handling_seconds_count"] == 1
    # The customer's confirmation and the owner's card, queued with the request.
    assert (after[BACKLOG], after[OLDEST]) == (2, 0)
    ops.tg.clock.advance(timedelta(seconds=90))
    assert (await ops.metrics())[OLDEST] == 90

    await ops.tg.deliver()
    delivered = await ops.metrics()
    assert (delivered[BACKLOG], delivered[OLDEST]) == (0, 0)
    assert delivered['axin_sends_total{kind="answer"}'] == 1  # the confirmation
    assert delivered['axin_sends_total{kind="notice"}'] == 1  # the owner's card

    await ops.take(ops.tg.message(LEYLA, "In grey, please"))
    again = await ops.metrics()
    assert again[HANDLED] == 2
    assert again["axin_update_handling_seconds_count"] == 2
    assert again[BACKLOG] == 1  # what Leyla wrote, for the owner


def _bug(*args: Any, **kwargs: Any) -> Awaitable[None]:
    raise RuntimeError("a bug")


def _network(*args: Any, **kwargs: Any) -> Awaitable[None]:
    raise TelegramNetworkError(SendMessage(chat_id=LEYLA.id, text=""), "connection reset")


def _after_its_change(*args: Any, **kwargs: Any) -> Awaitable[None]:
    handling = inbox.current.get()
    assert handling is not None
    handling.marked = True  # its change committed, then the answer failed
    raise RuntimeError("the answer failed")


@pytest.mark.parametrize(
    ("feed", "outcome"),
    [(_bug, "given_up"), (_network, "retried"), (_after_its_change, "answer_lost")],
)
async def test_each_way_an_update_fails_is_counted(
    ops: Ops, monkeypatch: pytest.MonkeyPatch, feed: Callable[..., Any], outcome: str
) -> None:
    monkeypatch.setattr(ops.tg.app.dispatcher, "feed_update", feed)
    await ops.take(ops.tg.message(LEYLA, "A grey sofa, please"))
    seen = await ops.metrics()
    failed = {k: v for k, v in seen.items() if k.startswith("axin_updates_failed_total")}
    assert failed == {
        f'axin_updates_failed_total{{outcome="{name}"}}': float(name == outcome)
        for name in ("given_up", "retried", "answer_lost")
    }
    assert seen[HANDLED] == 0


async def test_a_chat_and_an_update_taken_over_from_a_stopped_worker_are_counted(
    ops: Ops,
) -> None:
    app, clock = ops.tg.app, ops.tg.clock
    async with app.sessions() as session:
        outbox.enqueue(
            session,
            chat_id=LEYLA.id,
            kind="access_revoked",
            payload={},
            dedupe_key="a",
            now=clock.now(),
        )
        await session.commit()
        await outbox_claims.claim(session, "crashed", clock.now(), app.settings.outbox_lease, 9, 9)
        update = Update(update_id=1, message=ops.tg.message(LEYLA, "A grey sofa, please"))
        received = inbox.Received(1, LEYLA.id, payload_of(update))
        await inbox.store(session, [received], clock.now(), app.settings.inbox_lease, "crashed")
    reclaimed = 'axin_claims_reclaimed_total{what="%s"}'
    before = await ops.metrics()
    assert (before[reclaimed % "outbox_chat"], before[reclaimed % "inbox_update"]) == (0, 0)

    assert await ops.tg.deliver() == []  # "crashed" holds the chat until its claim runs out
    assert await app.inbox.pick_up() == 0
    clock.advance(max(app.settings.outbox_lease, app.settings.inbox_lease) + timedelta(seconds=1))
    [sent] = await ops.tg.deliver()
    assert sent.chat_id == LEYLA.id
    assert await app.inbox.pick_up() == 1
    await app.inbox.idle()
    after = await ops.metrics()
    assert (after[reclaimed % "outbox_chat"], after[reclaimed % "inbox_update"]) == (1, 1)
    assert after[HANDLED] == 1


async def test_a_worker_serves_metrics_and_an_unreachable_database_hides_only_the_outbox(
    ops: Ops, tmp_path: Path
) -> None:
    async with TestClient(TestServer(create_http_app(ops.tg.app, serves_updates=False))) as worker:
        assert (await worker.get("/api/v1/openapi.json")).status == 404
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}")  # a directory
        ops.tg.app.sessions = session_factory(engine)
        response = await worker.get("/metrics")
        text = await response.text()
        await engine.dispose()
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    seen = samples(text)
    assert seen[HANDLED] == 0
    assert BACKLOG not in seen and OLDEST not in seen
