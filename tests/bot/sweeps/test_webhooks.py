"""The webhooks' sweep posts what a rule made to a real local receiver, signed with the rule's
key; what fails is posted again after its pause, then given up; an address that is not on the
public internet is refused unless RULE_WEBHOOKS_PRIVATE allows it."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from yarl import URL

from bot.sweeps.webhooks import UNUSABLE, Pinned, post_webhooks
from services.clock import ManualClock
from services.db.rules import Rule, WebhookPost
from services.rules.webhooks import MAX_ATTEMPTS, pause
from tests.support.harness import Harness, harness, make_settings
from tests.support.webhooks import (
    RULE_NAME,
    customer_request,
    posts,
    receiver,
    signed,
    webhook_rule,
)


async def posting(tg: Harness, *urls: str) -> tuple[Rule, int]:
    """A rule posting each new request to each of `urls`, and a request; the first rule made
    and the deal."""
    async with tg.app.sessions() as session:
        rules = [await webhook_rule(session, url, tg.clock.now()) for url in urls]
        return rules[0], await customer_request(session, tg.clock.now())


async def rows(tg: Harness) -> list[WebhookPost]:
    async with tg.app.sessions() as session:
        return await posts(session)


@pytest.fixture
async def private_ok(database_url: str, clock: ManualClock) -> AsyncIterator[Harness]:
    """The bot with RULE_WEBHOOKS_PRIVATE: the tests' receivers are on 127.0.0.1."""
    settings = make_settings(database_url, rule_webhooks_private=True)
    async with harness(settings, clock) as tg:
        yield tg


async def test_a_new_request_reaches_the_receiver_signed_with_the_rules_key(
    private_ok: Harness, clock: ManualClock
) -> None:
    async with receiver(200) as hook:
        rule, deal_id = await posting(private_ok, hook.url)
        assert hook.received == []  # posted by the sweep, not in the request's transaction

        assert await post_webhooks(private_ok.app) == 1

        [got] = hook.received
        [row] = await rows(private_ok)
        assert got.headers["Content-Type"] == "application/json"
        assert got.headers["X-Axin-Delivery"] == str(row.id)
        assert got.headers["X-Axin-Signature"] == signed(got.body, rule.actions[0]["secret"])
        document = json.loads(got.body)
        assert (document["deal"]["id"], document["rule"]["name"]) == (deal_id, RULE_NAME)
        assert document["customer"]["name"] == "C100"
        assert (row.sent_at, row.attempts, row.failed_at) == (clock.now(), 1, None)
        clock.advance(timedelta(days=1))
        assert await post_webhooks(private_ok.app) == 0
        assert len(hook.received) == 1


async def test_a_failed_post_is_made_again_after_its_pause(
    private_ok: Harness, clock: ManualClock
) -> None:
    async with receiver(500, 200) as hook:
        await posting(private_ok, hook.url)

        assert await post_webhooks(private_ok.app) == 1
        [row] = await rows(private_ok)
        assert (row.attempts, row.last_error, row.sent_at) == (1, "answered 500", None)
        assert row.next_attempt_at == clock.now() + pause(1)
        clock.advance(pause(1) - timedelta(seconds=1))
        assert await post_webhooks(private_ok.app) == 0
        clock.advance(timedelta(seconds=1))
        assert await post_webhooks(private_ok.app) == 1

        first, second = hook.received
        assert (second.body, second.headers["X-Axin-Signature"]) == (
            first.body,
            first.headers["X-Axin-Signature"],
        )
        [row] = await rows(private_ok)
        assert (row.attempts, row.sent_at, row.failed_at) == (2, clock.now(), None)


async def test_a_redirect_is_not_followed_and_an_unreachable_receiver_is_tried_again(
    private_ok: Harness, clock: ManualClock
) -> None:
    async with receiver(302) as hook:
        # Nothing listens on port 1.
        await posting(private_ok, hook.url, "http://127.0.0.1:1/hook")

        assert await post_webhooks(private_ok.app) == 2

        assert (len(hook.received), hook.elsewhere) == (1, 0)
        redirected, unreachable = await rows(private_ok)
        assert (redirected.last_error, redirected.attempts, redirected.sent_at) == (
            "answered 302",
            1,
            None,
        )
        assert unreachable.last_error == "not reached: ClientConnectorError"
        assert unreachable.next_attempt_at == clock.now() + pause(1)


async def test_a_receiver_failing_every_time_is_given_up_after_the_limit(
    private_ok: Harness, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    async with receiver(503) as hook:
        rule, _ = await posting(private_ok, hook.url)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            assert await post_webhooks(private_ok.app) == 1
            clock.advance(pause(attempt))

        [row] = await rows(private_ok)
        assert (row.attempts, row.failed_at, row.sent_at) == (
            MAX_ATTEMPTS,
            clock.now() - pause(MAX_ATTEMPTS),
            None,
        )
        assert row.last_error == "answered 503"
        clock.advance(timedelta(days=1))
        assert await post_webhooks(private_ok.app) == 0
        assert len(hook.received) == MAX_ATTEMPTS
    [given_up] = [r for r in caplog.records if r.name == "bot.sweeps.webhooks"]
    assert given_up.levelno == logging.WARNING
    assert given_up.getMessage() == (
        f"Webhook post {row.id} of rule {rule.id} given up: answered 503"
    )
    secret = rule.actions[0]["secret"]
    assert secret not in caplog.text and row.body not in caplog.text


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_a_private_address_is_refused_without_the_setting(
    tg: Harness, clock: ManualClock, host: str
) -> None:
    assert not tg.app.settings.rule_webhooks_private
    async with receiver(200, host=host) as hook:
        # Saved where private addresses were allowed, posted where they are not.
        await posting(tg, hook.url)

        assert await post_webhooks(tg.app) == 1

        assert hook.received == []
        [row] = await rows(tg)
        assert (row.failed_at, row.sent_at, row.attempts) == (clock.now(), None, 1)
        assert row.last_error in (
            "refused: 127.0.0.1 is not a public address",
            "refused: ::1 is not a public address",
        )
        clock.advance(timedelta(days=1))
        assert await post_webhooks(tg.app) == 0


async def test_aiohttp_is_handed_only_the_addresses_looked_up_and_allowed() -> None:
    resolver = Pinned()
    hook = URL("http://localhost:8080/hook")
    assert await resolver.look_up(hook, allow_private=False) in (
        "refused: 127.0.0.1 is not a public address",
        "refused: ::1 is not a public address",
    )
    with pytest.raises(OSError):
        await resolver.resolve("localhost", 8080, socket.AF_UNSPEC)
    assert await resolver.look_up(hook, allow_private=True) is None
    found = await resolver.resolve("localhost", 8080, socket.AF_UNSPEC)
    assert found and {address["host"] for address in found} <= {"127.0.0.1", "::1"}
    # Another name, or the same on another port, was not looked up: no connection is made.
    for host, port in (("example.com", 8080), ("localhost", 8081)):
        with pytest.raises(OSError):
            await resolver.resolve(host, port, socket.AF_UNSPEC)
    assert await resolver.look_up(URL("ftp://example.com/hook"), allow_private=True) == UNUSABLE
