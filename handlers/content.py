"""What a Telegram message carries, as the services' Content."""

from __future__ import annotations

from aiogram.types import Message

from services.content import Attachment, Content


def content_of(message: Message) -> Content:
    caption = message.caption or ""
    if message.photo:
        return Content(attachments=(Attachment("photo", message.photo[-1].file_id, caption),))
    if message.document:
        return Content(attachments=(Attachment("document", message.document.file_id, caption),))
    return Content(text=message.text or "")
