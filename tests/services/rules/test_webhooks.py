"""The posts a webhook rule makes are claimed by one worker at a time, for a lease, and settled
by their outcome: sent, tried again after a growing pause, or given up."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.clock import ManualClock
from services.db.deals import Event
from services.rules import webhooks
from services.rules.webhooks import LEASE, MAX_ATTEMPTS, SENT, Outcome, pause
from tests.support.webhooks import RULE_NAME, customer_request, posts, webhook_rule
from tests.support.workers import other_worker

URL = "https://hooks.example.com/axin"


async def test_a_new_request_is_posted_once_claimed_until_its_lease_runs_out(
    session: AsyncSession, clock: ManualClock
) -> None:
    rule = await webhook_rule(session, URL, clock.now())
    deal_id = await customer_request(session, clock.now())
    [row] = await posts(session)
    document = json.loads(row.body)
    assert (row.url, row.secret, row.rule_id) == (URL, rule.actions[0]["secret"], rule.id)
    assert (document["deal"]["id"], document["rule"]["name"]) == (deal_id, RULE_NAME)

    [post] = await webhooks.claim(session, clock.now())
    assert (post.post_id, post.url, post.body, post.secret) == (row.id, URL, row.body, row.secret)
    assert post.claimed_until == clock.now() + LEASE
    assert "secret" not in repr(post) and row.body not in repr(post)
    clock.advance(LEASE - timedelta(seconds=1))
    assert await webhooks.claim(session, clock.now()) == []
    # Its worker stopped without an outcome: the post is taken up again once the lease ran out.
    clock.advance(timedelta(seconds=2))
    [again] = await webhooks.claim(session, clock.now())
    assert (again.post_id, again.attempts) == (row.id, 0)


async def test_failed_tries_wait_growing_pauses_until_the_limit_gives_up(
    session: AsyncSession, clock: ManualClock
) -> None:
    assert [pause(n) / timedelta(seconds=1) for n in range(1, 10)] == [
        30,
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
    ]
    await webhook_rule(session, URL, clock.now())
    await customer_request(session, clock.now())
    first = clock.now()
    for attempt in range(1, MAX_ATTEMPTS):
        [post] = await webhooks.claim(session, clock.now())
        assert await webhooks.record(session, [(post, Outcome("answered 500"))], clock.now()) == []
        [row] = await posts(session)
        assert (row.attempts, row.last_error, row.claimed_until) == (attempt, "answered 500", None)
        assert row.next_attempt_at == clock.now() + pause(attempt)
        clock.advance(pause(attempt) - timedelta(seconds=1))
        assert await webhooks.claim(session, clock.now()) == []
        clock.advance(timedelta(seconds=1))
    assert clock.now() - first == timedelta(seconds=47010)  # about 13 hours
    [post] = await webhooks.claim(session, clock.now())
    outcome = Outcome("answered 503")
    assert await webhooks.record(session, [(post, outcome)], clock.now()) == [(post, outcome)]
    [row] = await posts(session)
    assert (row.attempts, row.failed_at, row.sent_at) == (MAX_ATTEMPTS, clock.now(), None)
    assert row.last_error == "answered 503"
    clock.advance(timedelta(days=30))
    assert await webhooks.claim(session, clock.now()) == []


async def test_a_post_sent_or_refused_is_settled_at_once(
    session: AsyncSession, clock: ManualClock
) -> None:
    await webhook_rule(session, URL, clock.now(), hooks=2)
    await customer_request(session, clock.now())
    sent, refused = await webhooks.claim(session, clock.now())
    final = Outcome("refused: 10.0.0.7 is not a public address", final=True)
    await webhooks.record(session, [(sent, SENT), (refused, final)], clock.now())
    one, two = await posts(session)
    assert (one.sent_at, one.failed_at, one.attempts, one.last_error) == (
        clock.now(),
        None,
        1,
        None,
    )
    assert (two.sent_at, two.failed_at, two.attempts) == (None, clock.now(), 1)
    assert two.last_error == "refused: 10.0.0.7 is not a public address"
    clock.advance(timedelta(days=1))
    assert await webhooks.claim(session, clock.now()) == []


async def test_a_long_error_is_kept_short(session: AsyncSession, clock: ManualClock) -> None:
    await webhook_rule(session, URL, clock.now())
    await customer_request(session, clock.now())
    [post] = await webhooks.claim(session, clock.now())
    await webhooks.record(session, [(post, Outcome("word " * 300))], clock.now())
    [row] = await posts(session)
    assert row.last_error is not None
    assert len(row.last_error) == webhooks.ERROR_LENGTH and row.last_error.endswith("…")


async def test_an_outcome_after_the_lease_ran_out_is_not_recorded(
    database_url: str, session: AsyncSession, clock: ManualClock
) -> None:
    await webhook_rule(session, URL, clock.now())
    await customer_request(session, clock.now())
    [stalled] = await webhooks.claim(session, clock.now())
    clock.advance(LEASE + timedelta(seconds=1))
    async with other_worker(database_url) as other:
        [taken] = await webhooks.claim(other, clock.now())
    await webhooks.record(session, [(stalled, Outcome("answered 500"))], clock.now())
    [row] = await posts(session)
    assert (row.attempts, row.last_error, row.claimed_until) == (0, None, taken.claimed_until)
    await webhooks.record(session, [(taken, SENT)], clock.now())
    [row] = await posts(session)
    assert (row.attempts, row.sent_at) == (1, clock.now())


async def test_workers_claiming_at_once_never_take_the_same_post(
    database_url: str, sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions() as session:
        await webhook_rule(session, URL, clock.now(), hooks=3)
        for n in range(8):
            await customer_request(session, clock.now(), tg_id=100 + n)
        made = [row.id for row in await posts(session)]
    assert len(made) == 24

    async def worker() -> list[int]:
        taken: list[int] = []
        async with other_worker(database_url) as session:
            while batch := await webhooks.claim(session, clock.now(), batch=4):
                taken += [post.post_id for post in batch]
        return taken

    claimed = await asyncio.gather(*(worker() for _ in range(3)))
    every = [post_id for taken in claimed for post_id in taken]
    assert sorted(every) == made  # each post once


async def test_the_deals_history_names_only_the_webhooks_host(
    session: AsyncSession, clock: ManualClock
) -> None:
    await webhook_rule(session, URL + "?token=s3cret", clock.now())
    deal_id = await customer_request(session, clock.now())
    shown = await session.scalars(
        select(Event.to_value).where(Event.deal_id == deal_id, Event.kind == "webhook")
    )
    assert list(shown) == ["hooks.example.com"]
