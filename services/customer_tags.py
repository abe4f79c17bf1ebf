"""A customer's tags: words added from what staff type, removed one at a time."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import Actor
from services.customer_edits import claim, record
from services.db.customers import CustomerTag, TagName
from services.errors import ErrorCode, InvalidInput, NotFound

MAX_TAGS = 6
_TAG = re.compile(r"^[\w\-+&.]{1,32}$")


def read_tags(text: str) -> list[str]:
    """Words typed as tags, lowercased, without a leading #."""
    words = [w.lstrip("#").lower() for w in re.split(r"[\s,]+", text) if w.lstrip("#")]
    if not words or any(not _TAG.match(w) for w in words):
        raise InvalidInput(ErrorCode.TAG)
    return list(dict.fromkeys(words))


async def add_tags(
    session: AsyncSession,
    actor: Actor,
    customer_id: int,
    version: int,
    text: str,
    now: datetime,
) -> list[str]:
    """The tags typed, those the customer lacks added; MAX_TAGS at most on a customer."""
    words = read_tags(text)
    customer = await claim(session, actor, customer_id, version)
    have = set(
        await session.scalars(
            select(TagName.name)
            .join(CustomerTag, CustomerTag.tag_id == TagName.id)
            .where(CustomerTag.customer_id == customer.id)
        )
    )
    new = [w for w in words if w not in have]
    if len(have) + len(new) > MAX_TAGS:
        raise InvalidInput(ErrorCode.TAG)
    for word in new:
        tag_id = await session.scalar(select(TagName.id).where(TagName.name == word))
        if tag_id is None:
            tag = TagName(name=word)
            session.add(tag)
            await session.flush()
            tag_id = tag.id
        session.add(CustomerTag(customer_id=customer.id, tag_id=tag_id))
        record(session, customer, actor, "tag_added", now, None, word)
    await session.commit()
    return new


async def remove_tag(
    session: AsyncSession,
    actor: Actor,
    customer_id: int,
    version: int,
    tag_id: int,
    now: datetime,
) -> str:
    customer = await claim(session, actor, customer_id, version)
    name = await session.scalar(
        select(TagName.name)
        .join(CustomerTag, CustomerTag.tag_id == TagName.id)
        .where(CustomerTag.customer_id == customer.id, TagName.id == tag_id)
    )
    if name is None:
        raise NotFound()
    await session.execute(
        delete(CustomerTag).where(
            CustomerTag.customer_id == customer.id, CustomerTag.tag_id == tag_id
        )
    )
    record(session, customer, actor, "tag_removed", now, name, None)
    await session.commit()
    return name
