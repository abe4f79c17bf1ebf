"""Quick replies: saved answers to customers, each in one language. The owners keep the team's,
everyone in the team may keep their own. Reply on a request offers those in its customer's
language; one pressed is sent as a typed reply is (services.conversation.staff_replies), its
placeholders filled: {name} the customer's name, {number} the request's, {amount} its amount
in the customer's language and the company's currency."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from babel.numbers import format_currency
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import events
from services.access import SUPPORTED_LOCALES, Actor, locale_of, require_deal, require_staff
from services.content import Content
from services.conversation import get_deal, staff_replies
from services.db.customers import Customer
from services.db.deals import Deal
from services.db.replies import QuickReply
from services.db.users import User
from services.errors import (
    AccessDenied,
    ErrorCode,
    InvalidInput,
    NotFound,
    PlaceholdersUnknown,
)

TITLE_LENGTH, TEXT_LENGTH, PER_LANGUAGE = 32, 1000, 20
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
NAMES = ("name", "number", "amount")


@dataclass(frozen=True)
class Saved:
    reply_id: int
    team: bool
    language: str
    title: str
    text: str


def _saved(reply: QuickReply) -> Saved:
    return Saved(reply.id, reply.user_id is None, reply.language, reply.title, reply.text)


def checked_title(text: str) -> str:
    title = " ".join(text.split())
    if not 1 <= len(title) <= TITLE_LENGTH:
        raise InvalidInput(ErrorCode.REPLY_TITLE)
    return title


def checked_text(text: str) -> str:
    body = text.strip()
    if not 1 <= len(body) <= TEXT_LENGTH:
        raise InvalidInput(ErrorCode.REPLY_TEXT)
    unknown = [name for name in PLACEHOLDER.findall(body) if name not in NAMES]
    if unknown:
        raise PlaceholdersUnknown(list(dict.fromkeys(unknown)))
    return body


def _visible(actor: Actor) -> ColumnElement[bool]:
    """The team's, and the actor's own."""
    return or_(QuickReply.user_id.is_(None), QuickReply.user_id == actor.user_id)


async def listed(session: AsyncSession, actor: Actor, language: str) -> list[Saved]:
    """The team's and the actor's own in one language, the team's first, by title: at most
    PER_LANGUAGE of each, so that they fit one message."""
    require_staff(actor)
    if language not in SUPPORTED_LOCALES:
        raise InvalidInput(ErrorCode.LANGUAGE)
    rows = await session.scalars(
        select(QuickReply)
        .where(QuickReply.language == language, _visible(actor))
        .order_by(QuickReply.user_id.is_not(None), QuickReply.title, QuickReply.id)
    )
    return [_saved(reply) for reply in rows]


def may_keep(actor: Actor, team: bool) -> None:
    """Everyone in the team keeps their own; the owners the team's."""
    require_staff(actor)
    if team and not actor.is_owner:
        raise AccessDenied()


async def check_keeper(session: AsyncSession, actor: Actor, team: bool, language: str) -> None:
    """Refused before the title and text are asked, not after: by whom, in which language,
    and when the language has its fill of them already."""
    may_keep(actor, team)
    if language not in SUPPORTED_LOCALES:
        raise InvalidInput(ErrorCode.LANGUAGE)
    kept = await session.scalar(
        select(func.count()).where(
            QuickReply.language == language,
            QuickReply.user_id.is_(None) if team else QuickReply.user_id == actor.user_id,
        )
    )
    if (kept or 0) >= PER_LANGUAGE:
        raise InvalidInput(ErrorCode.REPLIES_FULL)


async def add(
    session: AsyncSession,
    actor: Actor,
    team: bool,
    language: str,
    title: str,
    text: str,
    now: datetime,
) -> Saved:
    await check_keeper(session, actor, team, language)
    title, text = checked_title(title), checked_text(text)
    reply = QuickReply(
        user_id=None if team else actor.user_id,
        language=language,
        title=title,
        text=text,
        created_by=actor.user_id,
        created_at=now,
    )
    session.add(reply)
    await session.flush()
    events.record(session, None, actor.user_id, "quick_reply_added", now, None, reply.id)
    await session.commit()
    return _saved(reply)


async def remove(session: AsyncSession, actor: Actor, reply_id: int, now: datetime) -> str:
    """The team's by an owner; one's own by oneself. Returns the reply's language."""
    require_staff(actor)
    reply = await session.get(QuickReply, reply_id)
    if reply is None:
        raise NotFound()
    may_keep(actor, reply.user_id is None)
    if reply.user_id is not None and reply.user_id != actor.user_id:
        raise AccessDenied()
    language = reply.language
    await session.delete(reply)
    events.record(session, None, actor.user_id, "quick_reply_removed", now, reply_id, None)
    await session.commit()
    return language


async def _customer_locale(
    session: AsyncSession, deal: Deal, default_locale: str
) -> tuple[Customer, str]:
    customer = await session.get_one(Customer, deal.customer_id)
    user = await session.get(User, customer.user_id) if customer.user_id else None
    return customer, locale_of(user, default_locale) if user else default_locale


async def offered(
    session: AsyncSession, actor: Actor, deal_id: int, default_locale: str
) -> list[Saved]:
    """The quick replies the actor may send to the deal's customer, in the customer's
    language; refused, like Reply itself, to whom the deal is not theirs."""
    require_staff(actor)
    deal = await get_deal(session, deal_id)
    require_deal(actor, deal)
    _, language = await _customer_locale(session, deal, default_locale)
    rows = await session.scalars(
        select(QuickReply)
        .where(QuickReply.language == language, _visible(actor))
        .order_by(QuickReply.user_id.is_not(None), QuickReply.title, QuickReply.id)
    )
    return [_saved(reply) for reply in rows]


async def send(
    session: AsyncSession,
    actor: Actor,
    deal_id: int,
    reply_id: int,
    currency: str,
    default_locale: str,
    now: datetime,
) -> None:
    """The quick reply, filled in, sent to the deal's customer as a typed reply is."""
    require_staff(actor)
    deal = await get_deal(session, deal_id)
    require_deal(actor, deal)
    reply = await session.get(QuickReply, reply_id)
    if reply is None:
        raise NotFound()
    if reply.user_id is not None and reply.user_id != actor.user_id:
        raise AccessDenied()
    customer, locale = await _customer_locale(session, deal, default_locale)
    if "{amount}" in reply.text and deal.amount is None:
        raise InvalidInput(ErrorCode.REPLY_AMOUNT)

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "name":
            return customer.name
        if name == "number":
            return str(deal.id)
        if name == "amount" and deal.amount is not None:
            return str(format_currency(deal.amount, currency, locale=locale))
        return match.group(0)

    text = PLACEHOLDER.sub(value, reply.text)
    await staff_replies(session, actor, deal_id, Content(text), now)
