"""What a person sent: text and attachments, independent of Telegram's types."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.db.models import Message


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


async def store(
    session: AsyncSession,
    deal_id: int,
    direction: str,
    author_id: int | None,
    content: Content,
    now: datetime,
) -> list[Message]:
    """Keep a message in the deal's history: one row for the text, one per attachment."""
    rows = message_rows(deal_id, direction, author_id, content, now)
    session.add_all(rows)
    await session.flush()
    return rows


def message_rows(
    deal_id: int, direction: str, author_id: int | None, content: Content, now: datetime
) -> list[Message]:
    """The rows `store` writes, for a caller that flushes many messages at once."""
    rows = []
    if content.text:
        rows.append(Message(kind="text", text=content.text))
    rows += [Message(kind=a.kind, text=a.caption, file_id=a.file_id) for a in content.attachments]
    for row in rows:
        row.deal_id = deal_id
        row.direction = direction
        row.author_id = author_id
        row.created_at = now
    return rows
