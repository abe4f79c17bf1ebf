"""A customer's answer to the feedback ask: a rating from 1 to 5, then perhaps a comment.

Only the customer asked may answer, and a deal is rated once: the first rating stands (a later
press, a changed mind included, changes nothing), so the owners' alert and the rules act on one
rating. A low rating alerts the owners; every rating fires the rules' "a customer rates a deal"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services import events, outbox
from services.access import OWNER
from services.db.feedback import Feedback
from services.db.users import User
from services.errors import AccessDenied, ErrorCode, InvalidInput, NotFound
from services.feedback_views import RATINGS
from services.rules.engine import fire
from services.rules.happened import Happened
from services.rules.model import RATED

# At or below it, the owners are told at once.
LOW = 2
COMMENT_LENGTH = 1000
LOW_ALERT, LOW_COMMENT = "feedback_low", "feedback_comment"


@dataclass(frozen=True)
class Rated:
    rating: int
    # Rated before: nothing changed, `rating` is the first one.
    already: bool


async def _asked(session: AsyncSession, user_id: int, deal_id: int) -> Feedback:
    """The ask this customer got for the deal; anyone else is refused."""
    asked = await session.get(Feedback, deal_id)
    if asked is None:
        raise NotFound()
    if asked.user_id != user_id:
        raise AccessDenied()
    return asked


async def rate(
    session: AsyncSession, user_id: int, deal_id: int, rating: int, now: datetime
) -> Rated:
    asked = await _asked(session, user_id, deal_id)
    if rating not in RATINGS:
        raise InvalidInput()
    if asked.rating is not None:
        return Rated(asked.rating, already=True)
    # Two presses at once: only the first finds it unrated.
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(Feedback)
            .where(Feedback.deal_id == deal_id, Feedback.rating.is_(None))
            .values(rating=rating, rated_at=now)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        await session.rollback()
        first = await session.get_one(Feedback, deal_id, populate_existing=True)
        return Rated(first.rating or rating, already=True)
    events.record(session, deal_id, user_id, "rated", now, None, rating)
    if rating <= LOW:
        await _tell_owners(session, LOW_ALERT, deal_id, now)
    await fire(session, [Happened(RATED, deal_id, f"rated:{deal_id}", {"rating": rating})], now)
    await session.commit()
    return Rated(rating, already=False)


async def comment(
    session: AsyncSession, user_id: int, deal_id: int, text: str, now: datetime
) -> None:
    """The one comment after a rating; a low rating's comment goes to the owners too."""
    asked = await _asked(session, user_id, deal_id)
    words = text.strip()[:COMMENT_LENGTH]
    if not words:
        raise InvalidInput(ErrorCode.EMPTY_TEXT)
    if asked.rating is None or asked.comment is not None:
        return
    asked.comment = words
    events.record(session, deal_id, user_id, "rating_comment", now, None, words)
    if asked.rating <= LOW:
        await _tell_owners(session, LOW_COMMENT, deal_id, now)
    await session.commit()


async def check(session: AsyncSession, user_id: int, deal_id: int) -> Feedback:
    """For Skip: the customer's own ask, as it is."""
    return await _asked(session, user_id, deal_id)


async def _tell_owners(session: AsyncSession, kind: str, deal_id: int, now: datetime) -> None:
    owners = await session.scalars(
        select(User).where(User.role == OWNER, User.blocked.is_(False)).order_by(User.id)
    )
    for owner in owners:
        outbox.enqueue(
            session,
            chat_id=owner.tg_id,
            kind=kind,
            payload={"deal_id": deal_id},
            dedupe_key=f"{kind}:{deal_id}:{owner.id}",
            now=now,
        )
