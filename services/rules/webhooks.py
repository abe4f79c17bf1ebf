"""Delivering the deals rules post to outgoing webhooks, through the `webhook_posts` table: due
posts are claimed for a lease (committed, so no other worker takes them meanwhile, and a worker
that dies leaves them to the next claim once the lease ran out), posted, then each outcome is
recorded: sent, tried again after a growing pause, or given up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.engine import is_postgres
from services.db.rules import WebhookPost

BATCH = 20
# Longer than a post may take (its timeout covers the lookup and the answer), so a claim runs
# out only when its worker stopped.
LEASE = timedelta(minutes=1)
FIRST_PAUSE = timedelta(seconds=30)
LONGEST_PAUSE = timedelta(hours=1)
# The 20th failed try gives up, about 13 hours after the first.
MAX_ATTEMPTS = 20
ERROR_LENGTH = 200


@dataclass(frozen=True)
class Post:
    """A claimed post: what to send, and the lease that makes its outcome ours to record."""

    post_id: int
    rule_id: int | None
    url: str
    body: str = field(repr=False)
    secret: str = field(repr=False)
    attempts: int
    claimed_until: datetime


@dataclass(frozen=True)
class Outcome:
    """Sent (a 2xx), or why not, in a few words free of the secret and the body; `final`
    when trying again cannot help (an address the posts may not go to)."""

    error: str | None = None
    final: bool = False

    @property
    def sent(self) -> bool:
        return self.error is None


SENT = Outcome()


def pause(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed try: 30 s, doubling, at most an hour."""
    return min(FIRST_PAUSE * (1 << min(attempts - 1, 16)), LONGEST_PAUSE)


_UNSETTLED = (WebhookPost.sent_at.is_(None), WebhookPost.failed_at.is_(None))


async def claim(
    session: AsyncSession, now: datetime, batch: int = BATCH, lease: timedelta = LEASE
) -> list[Post]:
    """Due posts nobody holds, the longest waiting first, held until `now + lease`; commits."""
    free = or_(WebhookPost.claimed_until.is_(None), WebhookPost.claimed_until < now)
    due = (
        select(WebhookPost.id)
        .where(*_UNSETTLED, WebhookPost.next_attempt_at <= now, free)
        .order_by(WebhookPost.next_attempt_at, WebhookPost.id)
        .limit(batch)
    )
    if is_postgres(session):
        due = due.with_for_update(skip_locked=True)
    ids = list(await session.scalars(due))
    if not ids:
        await session.commit()
        return []
    until = now + lease
    # The conditions again: on SQLite nothing locks the rows between the two statements.
    taken = await session.execute(
        update(WebhookPost)
        .where(WebhookPost.id.in_(ids), *_UNSETTLED, free)
        .values(claimed_until=until)
        .returning(
            WebhookPost.id,
            WebhookPost.rule_id,
            WebhookPost.url,
            WebhookPost.body,
            WebhookPost.secret,
            WebhookPost.attempts,
        )
        .execution_options(synchronize_session=False)
    )
    posts = [
        Post(post_id, rule_id, url, body, secret, attempts, until)
        for post_id, rule_id, url, body, secret, attempts in taken.all()
    ]
    await session.commit()
    return sorted(posts, key=lambda post: ids.index(post.post_id))


async def record(
    session: AsyncSession, outcomes: Sequence[tuple[Post, Outcome]], now: datetime
) -> list[tuple[Post, Outcome]]:
    """Each post's outcome, unless its claim ran out and another worker took it; commits.
    Answers the posts given up."""
    given_up: list[tuple[Post, Outcome]] = []
    for post, outcome in outcomes:
        attempts = post.attempts + 1
        values: dict[str, object] = {"attempts": attempts, "claimed_until": None}
        if outcome.sent:
            values["sent_at"] = now
        elif outcome.final or attempts >= MAX_ATTEMPTS:
            values |= {"failed_at": now, "last_error": _short(outcome.error)}
            given_up.append((post, outcome))
        else:
            values |= {"next_attempt_at": now + pause(attempts)}
            values["last_error"] = _short(outcome.error)
        await session.execute(
            update(WebhookPost)
            .where(
                WebhookPost.id == post.post_id,
                WebhookPost.claimed_until == post.claimed_until,
                *_UNSETTLED,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    await session.commit()
    return given_up


def _short(error: str | None) -> str:
    text = " ".join((error or "").split())
    return text if len(text) <= ERROR_LENGTH else text[: ERROR_LENGTH - 1] + "…"
