"""What a person sent: text and attachments, independent of Telegram's types."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.db.bulk import insert_all
from services.db.deals import Message


@dataclass(frozen=True)
class Attachment:
    kind: str
    file_id: str
    caption: str = ""


@dataclass(frozen=True)
class Content:
    text: str = ""
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)

    @property
    def title(self) -> str:
        """What the request is about: its text, else the first caption."""
        captions = (a.caption for a in self.attachments if a.caption)
        return self.text or next(captions, "")

    @property
    def is_empty(self) -> bool:
        return not self.text.strip() and not self.attachments

    def merged(self, other: Content) -> Content:
        text = "\n".join(part for part in (self.text, other.text) if part)
        return Content(text, self.attachments + other.attachments)


# What tells a message's rows apart among those written together.
_KEY = ("deal_id", "kind", "file_id", "text")


async def store(
    session: AsyncSession,
    deal_id: int,
    direction: str,
    author_id: int | None,
    content: Content,
    now: datetime,
) -> list[Message]:
    """Keep a message in the deal's history: one row for the text, one per attachment."""
    [rows] = await store_all(session, [message_rows(deal_id, direction, author_id, content, now)])
    return rows


async def store_all(
    session: AsyncSession, messages: Sequence[list[dict[str, Any]]]
) -> list[list[Message]]:
    """Several messages' rows (`message_rows`) written in one statement, each message's
    stored rows in the order given."""
    stored = iter(
        await insert_all(session, Message, [row for rows in messages for row in rows], _KEY)
    )
    return [[next(stored) for _ in rows] for rows in messages]


def message_rows(
    deal_id: int, direction: str, author_id: int | None, content: Content, now: datetime
) -> list[dict[str, Any]]:
    """The rows of one message, for `store_all`: the text, then each attachment."""
    parts: list[tuple[str, str, str | None]] = (
        [("text", content.text, None)] if content.text else []
    )
    parts += [(a.kind, a.caption, a.file_id) for a in content.attachments]
    return [
        {
            "deal_id": deal_id,
            "direction": direction,
            "author_id": author_id,
            "kind": kind,
            "text": text,
            "file_id": file_id,
            "created_at": now,
        }
        for kind, text, file_id in parts
    ]
